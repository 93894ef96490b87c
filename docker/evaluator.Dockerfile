# syntax=docker/dockerfile:1
# ECT Stream evaluator: rolling FID per checkpoint (`ectstream evaluate`, Kafka Streams); `train-feature-net` and `reference-stats` prepare its assets
# Build from the repository root:  docker build -f docker/evaluator.Dockerfile -t ectstream/evaluator .
# (docker/evaluator.Dockerfile.dockerignore keeps build outputs and runs out of the context.)

# ---- build: the launcher's fat jar with the Maven wrapper on a JDK 17 ----
FROM eclipse-temurin:17-jdk AS build
# mvnw fetches Maven 3.9.16 with curl or wget.
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The local repository is a BuildKit cache mount: a rebuild after a source change downloads nothing.
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -DskipTests -pl launcher -am package \
 && cp launcher/target/ectstream.jar /ectstream.jar

# ---- runtime: JRE 17, non-root, DJL natives unpacked at build time ----
FROM eclipse-temurin:17-jre AS runtime

RUN groupadd --system --gid 10001 ectstream \
 && useradd --system --uid 10001 --gid ectstream --home-dir /app --shell /usr/sbin/nologin ectstream \
 && mkdir -p /app /opt/djl /var/lib/ectstream/checkpoints /var/lib/ectstream/state /var/lib/ectstream/assets \
 && chown -R ectstream:ectstream /app /opt/djl /var/lib/ectstream
WORKDIR /app
COPY --from=build /ectstream.jar /app/ectstream.jar
COPY --from=build /src/configs/ /app/configs/
# The shipped models (feature network and reference statistics of the FID scale the README reports, the teacher):
# /app/models, so an evaluator scores on the same scale instead of training its own feature network.
COPY --from=build /src/models/ /app/models/
# The Fashion-MNIST subset: found from the working directory (/app/data/fashion-mnist-subset) when the full
# dataset is not mounted at /usr/share/datasets/fashion-mnist.
COPY --from=build /src/data/ /app/data/
COPY --chmod=755 docker/bin/ectstream /usr/local/bin/ectstream

# DJL never phones home and never downloads; Avro decodes only the platform's generated classes.
ENV OPT_OUT_TRACKING=true \
    DJL_OFFLINE=true \
    DJL_CACHE_DIR=/opt/djl \
    JAVA_TOOL_OPTIONS="-Dai.djl.offline=true -Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.ectstream.schemas -XX:MaxRAMPercentage=40"

USER ectstream
# Load the PyTorch engine once (one pretraining step on the shipped subset, thrown away) so that its natives
# (libtorch, ~432 MB, and the JNI library) are unpacked into DJL_CACHE_DIR inside the image: nothing downloads
# or unpacks when a container starts. (`model-info` does not load the engine: checked.)
RUN ectstream train --phase pretrain --config configs/demo.yaml --set pretrain.kimg=0.032 \
      --run-dir /tmp/djl-warmup/run --device cpu > /tmp/djl-warmup.log 2>&1 \
      || { cat /tmp/djl-warmup.log; exit 1; } \
 && rm -rf /tmp/djl-warmup /tmp/djl-warmup.log \
 && test -n "$(find /opt/djl -name '*libdjl_torch.so' -print -quit)"

ENTRYPOINT ["ectstream"]
CMD ["evaluate", "--extractor", "feature-net:/app/models/fashion-mnist.feature-net", "--reference-stats", "/app/models/fashion-mnist-train.reference-stats", "--state-dir", "/var/lib/ectstream/state"]
