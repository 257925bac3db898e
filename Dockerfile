# Image goreleaser builds (dockers_v2) from the release binaries; it is not
# meant for `docker build` from a clone. Alpine rather than distroless: CI
# jobs (GitLab) need a shell, and --new-from-rev needs git.
FROM alpine:3.22
RUN apk add --no-cache git ca-certificates
ARG TARGETPLATFORM
COPY $TARGETPLATFORM/specter /usr/local/bin/specter
WORKDIR /src
ENTRYPOINT ["/usr/local/bin/specter"]
CMD ["scan"]
