package io.ectstream.trainer.loop;

/** The engine seed of a training step: a function of (run seed, step), so a resumed step draws the same noise. */
public final class StepSeeds {
    private StepSeeds() {}

    public static int forStep(long runSeed, long step) {
        long z = runSeed * 0x9E3779B97F4A7C15L + step + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (int) (z ^ (z >>> 32)) & Integer.MAX_VALUE;
    }

    /** The engine seed of shard {@code shard} of a data-parallel step: a function of (run seed, step, shard). */
    public static int forShard(long runSeed, long step, int shard) {
        return forStep(forStep(runSeed, step), shard);
    }
}
