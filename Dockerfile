# Image goreleaser builds (dockers_v2) from the release binaries; it is not
# meant for `docker build` from a clone.
FROM gcr.io/distroless/static-debian12:nonroot
ARG TARGETPLATFORM
COPY $TARGETPLATFORM/specter /usr/local/bin/specter
WORKDIR /src
ENTRYPOINT ["/usr/local/bin/specter"]
CMD ["scan"]
