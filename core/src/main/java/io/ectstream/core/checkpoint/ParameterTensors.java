package io.ectstream.core.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import io.ectstream.core.device.GradMode;
import io.ectstream.core.network.ParameterNames;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Moves a network's parameters to and from checkpoint tensor groups (names as in the layer table). */
public final class ParameterTensors {
    private ParameterTensors() {}

    /** name -> the parameter's live array (no copy), in the block's parameter order. */
    public static Map<String, NDArray> arrays(Block block) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        ParameterNames.of(block).forEach((name, parameter) -> out.put(name, parameter.getArray()));
        return out;
    }

    /**
     * Initialises (or overwrites) every parameter of {@code block} from {@code tensors} on the manager's device.
     * @throws CheckpointException when a name is missing, extra, or has another shape
     */
    public static void load(Block block, NDManager manager, Map<String, HostTensor> tensors)
            throws CheckpointException {
        int used = 0;
        for (Map.Entry<String, Parameter> entry : ParameterNames.of(block).entrySet()) {
            HostTensor tensor = tensors.get(entry.getKey());
            Parameter parameter = entry.getValue();
            if (tensor == null) {
                throw new CheckpointException("checkpoint lacks parameter " + entry.getKey());
            }
            if (!Arrays.equals(tensor.shape(), parameter.getShape().getShape())) {
                throw new CheckpointException(
                        "parameter " + entry.getKey() + " has shape " + Arrays.toString(tensor.shape())
                                + " in the checkpoint, the network needs " + parameter.getShape());
            }
            if (parameter.isInitialized()) {
                // copied in place (index_put_), not with NDArray.set(Buffer), whose JNI prints libtorch's
                // "AutoNonVariableTypeMode is deprecated" warning, and which re-points the array's storage
                NDArray target = parameter.getArray();
                try (NDManager scratch = target.getManager().newSubManager();
                        GradMode off = GradMode.disabled()) {
                    target.set(new NDIndex("..."), tensor.toNDArray(scratch));
                }
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
