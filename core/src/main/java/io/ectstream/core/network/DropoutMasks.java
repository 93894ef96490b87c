package io.ectstream.core.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Dropout masks that can be replayed (docs/ECT.md §4b step 4: the target pass uses the same masks as the
 * student pass). The first time a block asks, a mask is drawn on the device (keep with probability
 * 1 - p, kept values scaled by 1 / (1 - p)) and remembered; every later pass of the same network with
 * the same object reuses it. Use one object per training step: {@code DropoutMasks masks = new DropoutMasks();}
 * then pass it to the student and the target forward. Pass {@code null} instead for no dropout (eval,
 * sampling). The masks live in the NDManager of the activations they were drawn for.
 */
public final class DropoutMasks {
    /** Draws a block's keep mask (boolean, x's shape) the first time the block asks. */
    @FunctionalInterface
    public interface Draw {
        NDArray keep(NDArray x, double p);
    }

    private final Map<Object, NDArray> masks = new IdentityHashMap<>();
    private final Draw draw;

    /** Masks from the device's (seeded) generator: keep where uniform(0, 1) >= p. */
    public DropoutMasks() {
        this(DropoutMasks::uniformKeep);
    }

    /** Masks from {@code draw} (tests: masks that another program can draw too); the first pass's order asks. */
    public DropoutMasks(Draw draw) {
        this.draw = draw;
    }

    /** x times the mask remembered for {@code owner}, drawing it first if there is none yet. */
    public NDArray apply(Object owner, NDArray x, double p) {
        if (p <= 0) {
            return x;
        }
        NDArray mask = masks.get(owner);
        if (mask == null) {
            // a boolean mask (1 byte a value) outlives the block's scope: the step's second pass replays it
            mask = Scoped.release(draw.keep(x, p));
            masks.put(owner, mask);
        } else if (!mask.getShape().equals(x.getShape())) {
            throw new IllegalStateException("dropout mask recorded for shape " + mask.getShape()
                    + " cannot be replayed on shape " + x.getShape() + ": use a new DropoutMasks per batch");
        }
        NDArray kept = mask;
        return Scoped.keep(() -> ScaledBy.times(x.mul(kept), 1 / (1 - p)));
    }

    /** The trainer's keep mask for x: true where a uniform(0, 1) draw on x's device is at least p. */
    public static NDArray uniformKeep(NDArray x, double p) {
        NDArray uniform = x.getManager().randomUniform(0f, 1f, x.getShape(), DataType.FLOAT32, x.getDevice());
        return uniform.gte((float) p);
    }

    /** Number of masks recorded so far (one per block with dropout). */
    public int size() {
        return masks.size();
    }
}
