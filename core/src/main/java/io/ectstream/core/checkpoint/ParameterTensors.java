package io.ectstream.core.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Moves a network's parameters to and from checkpoint tensor groups (names as in the layer table). */
public final class ParameterTensors {
    private ParameterTensors() {
    }

    /** name -> the parameter's live array (no copy), in the block's parameter order. */
    public static Map<String, NDArray> arrays(Block block) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> pair : block.getParameters()) {
            out.put(pair.getKey(), pair.getValue().getArray());
        }
        return out;
    }

    /**
     * Initialises (or overwrites) every parameter of {@code block} from {@code tensors} on the manager's device.
     * @throws CheckpointException when a name is missing, extra, or has another shape
     */
    public static void load(Block block, NDManager manager, Map<String, HostTensor> tensors) throws CheckpointException {
        int used = 0;
        for (Pair<String, Parameter> pair : block.getParameters()) {
            HostTensor tensor = tensors.get(pair.getKey());
            Parameter parameter = pair.getValue();
            if (tensor == null) {
                throw new CheckpointException("checkpoint lacks parameter " + pair.getKey());
            }
            if (!Arrays.equals(tensor.shape(), parameter.getShape().getShape())) {
                throw new CheckpointException("parameter " + pair.getKey() + " has shape " + Arrays.toString(tensor.shape())
                    + " in the checkpoint, the network needs " + parameter.getShape());
            }
            if (parameter.isInitialized()) {
                parameter.getArray().set(java.nio.FloatBuffer.wrap(tensor.data()));
            } else {
                parameter.setInitializer((m, shape, dataType) -> tensor.toNDArray(m));
                parameter.initialize(manager, DataType.FLOAT32);
            }
            used++;
        }
        if (used != tensors.size()) {
            throw new CheckpointException("checkpoint holds " + tensors.size() + " tensors, the network has " + used);
        }
    }
}
