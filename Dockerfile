# SPDX-License-Identifier: Apache-2.0
# crawlpack in a container: Debian 12 slim, the binary installed from the Debian package built in
# the first stage (so its Depends pull exactly the libraries it links), run as a non-root user.
#
#   docker build -t crawlpack .
#   docker run --rm -v "$PWD:/work" crawlpack audit https://example.com/ --out out/
#   docker run --rm -v "$PWD:/work" crawlpack audit --root public/ --site-url https://example.com/
FROM debian:12-slim AS build
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      build-essential cmake pkg-config dpkg-dev file \
      libcurl4-openssl-dev libxml2-dev libgumbo-dev uthash-dev libidn2-dev zlib1g-dev libyaml-dev \
      libsqlite3-dev libjansson-dev libnats-dev libjemalloc-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCRAWLPACK_TESTS=OFF -DCRAWLPACK_BENCH=OFF \
 && cmake --build build -j"$(nproc)" \
 && cd build && cpack -G DEB -B /packages

FROM debian:12-slim
COPY --from=build /packages/crawlpack_*.deb /tmp/
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends /tmp/crawlpack_*.deb ca-certificates \
 && rm -rf /var/lib/apt/lists/* /tmp/crawlpack_*.deb \
 && useradd --create-home --uid 10001 crawlpack
USER crawlpack
WORKDIR /work
ENTRYPOINT ["crawlpack"]
CMD ["--help"]
