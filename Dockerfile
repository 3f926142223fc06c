# hubsim in a container: `docker build -t hubsim .`, then
#   docker run --rm -p 4566:4566 hubsim                      # the simulated account on :4566
#   docker run --rm hubsim run /scenarios/fresh-account.json --remediate
# Stage 1 builds with the Rust toolchain; stage 2 runs the binary on a slim Debian of the same
# release (the binary links glibc; SQLite and mimalloc are compiled in).
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo install --locked --path . --root /out

FROM debian:bookworm-slim
COPY --from=build /out/bin/hubsim /usr/local/bin/hubsim
COPY scenarios /scenarios
RUN useradd --system --home-dir /data --create-home hubsim
USER hubsim
WORKDIR /data
EXPOSE 4566
ENTRYPOINT ["hubsim"]
# 0.0.0.0 so the published port reaches it; the database lives in /data (mount a volume to keep it).
CMD ["serve", "--bind", "0.0.0.0", "--port", "4566", "--db", "/data/hubsim.db"]
