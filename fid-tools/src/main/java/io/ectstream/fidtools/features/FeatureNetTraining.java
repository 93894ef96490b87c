package io.ectstream.fidtools.features;

/** How the feature network is trained: passes over the data, batch size, Adam learning rate, shuffle seed, held-out share. */
public record FeatureNetTraining(int epochs, int batchSize, float learningRate, long seed, double heldOutFraction) {
    public FeatureNetTraining {
        if (epochs < 1 || batchSize < 1 || learningRate <= 0 || heldOutFraction < 0 || heldOutFraction >= 1) {
            throw new IllegalArgumentException("bad training settings: " + epochs + " epochs, batch " + batchSize
                    + ", lr " + learningRate + ", held out " + heldOutFraction);
        }
    }

    public static FeatureNetTraining defaults() {
        return new FeatureNetTraining(10, 64, 2e-3f, 1L, 0.1);
    }
}
