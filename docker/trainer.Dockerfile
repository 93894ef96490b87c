# syntax=docker/dockerfile:1
# ECT Stream trainer: diffusion pretraining then ECT tuning (`ectstream pipeline` / `train`), checkpoints to a volume, events to Kafka
# Build from the repository root:  docker build -f docker/trainer.Dockerfile -t ectstream/trainer .
# (docker/trainer.Dockerfile.dockerignore keeps build outputs and runs out of the context.)

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

# GPU variant (docker/compose.gpu.yaml passes LIBTORCH_URL): DJL publishes no CUDA native jar for PyTorch 2.7.1
# on Maven Central, so the CUDA 12.8 build of libtorch 2.7.1 (with its CUDA runtime and cuDNN; the host gives only
# the driver) is unpacked to /opt/libtorch and DJL loads it through PYTORCH_LIBRARY_PATH; the launcher reads its
# version and flavor from /opt/libtorch/build-version, so DJL takes the cu128 JNI library of pytorch-jni 2.7.1-0.36.0.
# DJL counts GPUs through libcudart (JNA), which the archive names by a hash: a libcudart.so link lets it be found.
# The build fails unless the version is the pinned one. Empty (the default): the CPU natives inside the jar.
ARG LIBTORCH_URL=
ARG LIBTORCH_VERSION=2.7.1+cu128
RUN if [ -n "$LIBTORCH_URL" ]; then \
      apt-get update && apt-get install -y --no-install-recommends curl unzip \
      && curl -fsSL "$LIBTORCH_URL" -o /tmp/libtorch.zip && unzip -q /tmp/libtorch.zip -d /opt \
      && rm -f /tmp/libtorch.zip && rm -rf /var/lib/apt/lists/* && test -f /opt/libtorch/lib/libtorch_cuda.so \
      && test "$(cat /opt/libtorch/build-version)" = "$LIBTORCH_VERSION" \
      && ln -s "$(basename "$(ls /opt/libtorch/lib/libcudart*.so* | head -n 1)")" /opt/libtorch/lib/libcudart.so; \
    fi

USER ectstream
# Load the PyTorch engine once (one pretraining step on the shipped subset, thrown away) so that its natives
# (libtorch, ~432 MB on CPU, and the JNI library) are unpacked into DJL_CACHE_DIR inside the image: nothing
# downloads or unpacks when a container starts. (`model-info` does not load the engine: checked.)
# The GPU variant also checks, with `ectstream doctor`, that DJL loads the CUDA build (no GPU is needed for that).
RUN if [ -n "$LIBTORCH_URL" ]; then \
      export PYTORCH_LIBRARY_PATH=/opt/libtorch/lib; \
    fi \
 && ectstream train --phase pretrain --config configs/demo.yaml --set pretrain.kimg=0.032 \
      --run-dir /tmp/djl-warmup/run --device cpu > /tmp/djl-warmup.log 2>&1 \
      || { cat /tmp/djl-warmup.log; exit 1; } \
 && rm -rf /tmp/djl-warmup /tmp/djl-warmup.log \
 && test -n "$(find /opt/djl -name '*libdjl_torch.so' -print -quit)" \
 && ectstream doctor --device cpu | tee /tmp/doctor.txt \
 && if [ -n "$LIBTORCH_URL" ]; then grep -q "CUDA build: yes" /tmp/doctor.txt; fi \
 && rm -f /tmp/doctor.txt

ENTRYPOINT ["ectstream"]
CMD ["pipeline", "--config", "configs/demo.yaml", "--run-dir", "/var/lib/ectstream/checkpoints/demo", "--device", "auto"]
