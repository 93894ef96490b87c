package io.ectstream.fidtools.features;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.ectstream.core.device.CpuConvolutions;
import io.ectstream.core.sampling.ImageShape;
import io.ectstream.evaluator.features.FeatureNet;
import io.ectstream.evaluator.features.FeatureNetConfig;
import io.ectstream.evaluator.features.FeatureNetExtractor;
import io.ectstream.evaluator.features.FeatureNetFile;
import io.ectstream.evaluator.features.ImageBatch;
import io.ectstream.evaluator.features.LabeledImages;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Trains the {@link FeatureNet} classifier with softmax cross-entropy and Adam, then saves it with its SHA-256. */
public final class FeatureNetTrainer {
    private static final Logger log = LoggerFactory.getLogger(FeatureNetTrainer.class);

    /** What training produced: the file, its SHA-256 and the accuracy on the held-out images. */
    public record Result(Path file, String sha256, double heldOutAccuracy, int trainImages, int heldOutImages) {}

    private FeatureNetTrainer() {}

    public static Result train(LabeledImages data, FeatureNetConfig config, FeatureNetTraining training, Path file)
            throws IOException {
        int[] order = shuffledIndices(data.images().size(), training.seed());
        int heldOut = (int) Math.round(order.length * training.heldOutFraction());
        int[] trainIdx = java.util.Arrays.copyOfRange(order, heldOut, order.length);
        int[] testIdx = java.util.Arrays.copyOfRange(order, 0, heldOut);

        // Initial weights come from the engine's generator: seed it so that a run can be repeated.
        Engine.getEngine("PyTorch").setRandomSeed((int) training.seed());
        // trainer.initialize (not FeatureNet.initialize) allocates the weights, so choose the CPU kernels here.
        CpuConvolutions.useReferenceKernels();
        FeatureNet net = FeatureNet.create(config);
        try (Model model = Model.newInstance("feature-net", "PyTorch")) {
            model.setBlock(net.classifier());
            DefaultTrainingConfig trainingConfig = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam()
                            .optLearningRateTracker(Tracker.fixed(training.learningRate()))
                            .build());
            try (Trainer trainer = model.newTrainer(trainingConfig)) {
                trainer.initialize(net.inputShape(training.batchSize()));
                Random random = new Random(training.seed());
                for (int epoch = 0; epoch < training.epochs(); epoch++) {
                    shuffle(trainIdx, random);
                    double lossSum = 0;
                    int batches = 0;
                    for (int start = 0; start < trainIdx.length; start += training.batchSize()) {
                        int end = Math.min(trainIdx.length, start + training.batchSize());
                        lossSum += step(trainer, data, trainIdx, start, end);
                        batches++;
                    }
                    log.info(
                            "feature net epoch {}/{}: mean loss {}",
                            epoch + 1,
                            training.epochs(),
                            String.format("%.4f", lossSum / Math.max(1, batches)));
                }
                double accuracy = accuracy(net, model.getNDManager(), data, testIdx);
                String sha = FeatureNetFile.save(net, file);
                log.info(
                        "feature net saved to {} (SHA-256 {}), held-out accuracy {}",
                        file,
                        sha,
                        String.format("%.3f", accuracy));
                return new Result(file, sha, accuracy, trainIdx.length, testIdx.length);
            }
        }
    }

    private static double step(Trainer trainer, LabeledImages data, int[] idx, int start, int end) {
        try (NDManager manager = trainer.getManager().newSubManager()) {
            NDList x = new NDList(images(manager, data, idx, start, end));
            NDList y = new NDList(labels(manager, data, idx, start, end));
            float loss;
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDList prediction = trainer.forward(x, y);
                NDArray lossValue = trainer.getLoss().evaluate(y, prediction);
                collector.backward(lossValue);
                loss = lossValue.getFloat();
            }
            trainer.step();
            return loss;
        }
    }

    static double accuracy(FeatureNet net, NDManager parent, LabeledImages data, int[] idx) {
        if (idx.length == 0) {
            return Double.NaN;
        }
        int correct = 0;
        for (int start = 0; start < idx.length; start += 256) {
            int end = Math.min(idx.length, start + 256);
            try (NDManager manager = parent.newSubManager()) {
                NDArray scores = net.classifier()
                        .forward(
                                new ParameterStore(manager, false),
                                new NDList(images(manager, data, idx, start, end)),
                                false)
                        .singletonOrThrow();
                long[] predicted = scores.argMax(1).toLongArray();
                for (int i = 0; i < predicted.length; i++) {
                    if (predicted[i] == data.labels()[idx[start + i]]) {
                        correct++;
                    }
                }
            }
        }
        return (double) correct / idx.length;
    }

    private static NDArray images(NDManager manager, LabeledImages data, int[] idx, int start, int end) {
        ImageShape shape = data.images().shape();
        byte[] pixels = new byte[(end - start) * shape.pixels()];
        for (int i = start; i < end; i++) {
            System.arraycopy(data.images().image(idx[i]), 0, pixels, (i - start) * shape.pixels(), shape.pixels());
        }
        ImageBatch batch = new ImageBatch(shape, end - start, pixels);
        return FeatureNetExtractor.toUnitFloat(
                manager, batch, new Shape(end - start, shape.channels(), shape.height(), shape.width()));
    }

    private static NDArray labels(NDManager manager, LabeledImages data, int[] idx, int start, int end) {
        float[] y = new float[end - start];
        for (int i = start; i < end; i++) {
            y[i - start] = data.labels()[idx[i]];
        }
        return manager.create(y).toType(DataType.FLOAT32, false);
    }

    private static int[] shuffledIndices(int n, long seed) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        shuffle(idx, new Random(seed ^ 0x5DEECE66DL));
        return idx;
    }

    private static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
