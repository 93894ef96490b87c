package io.ectstream.core.safetensors;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.ectstream.core.checkpoint.HostTensor;
import io.ectstream.core.network.ParameterNames;
import io.ectstream.core.network.SongUNet;
import io.ectstream.core.network.UNetBlock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A {@link SongUNet}'s tensors under the names of the reference implementation (github.com/locuslab/ect): the
 * {@code state_dict()} of {@code training.networks.ECMPrecond(model_type='SongUNet')} as ct_train.py builds it for
 * DDPM++ with {@code label_dim=0} and {@code augment_dim=0}, so that PyTorch's {@code load_state_dict(strict=True)}
 * takes it. Our tensors already have PyTorch's layouts (conv OIHW, linear [out, in], qkv as EDM's 1x1 conv with
 * the same channel order), so only names change:
 * <ul>
 *   <li>{@code model.} in front (the preconditioning wrapper holds the U-Net as {@code model});</li>
 *   <li>{@code enc_32x32_block0.*} becomes {@code enc.32x32_block0.*} (EDM's ModuleDicts), same for {@code dec_};</li>
 *   <li>the attention's {@code attn.norm2/qkv/proj} sit directly in EDM's UNetBlock: {@code attn.} is dropped.</li>
 * </ul>
 * EDM's up/down convolutions also carry a buffer {@code resample_filter} (its fixed [1, 1] filter, which we apply
 * as an average or a copy), present in the state_dict: it is written on export and checked on import.
 * {@code map_noise} (the positional embedding) has no tensors.
 */
public final class ReferenceLayout {
    public static final String MODEL_PREFIX = "model.";
    /** EDM's {@code resample_filter} for [1, 1]: the outer product of [1, 1] with itself over its sum squared. */
    public static final HostTensor RESAMPLE_FILTER =
            new HostTensor(new long[] {1, 1, 2, 2}, new float[] {0.25f, 0.25f, 0.25f, 0.25f});

    private static final String RESAMPLE_FILTER_SUFFIX = ".resample_filter";

    /** One reference tensor: our parameter's name, or null for a resample_filter buffer. */
    private record Entry(String referenceName, String ourName, long[] shape) {}

    private final List<Entry> entries;

    private ReferenceLayout(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** The layout of {@code net} (built only: no weights need to be initialised). */
    public static ReferenceLayout of(SongUNet net) {
        Set<String> resampled = new HashSet<>();
        for (Pair<String, Block> child : net.getChildren()) {
            if (child.getValue() instanceof UNetBlock block && block.resampling() != UNetBlock.Resampling.NONE) {
                String name = ParameterNames.childName(child.getKey());
                resampled.add(name + ".conv0.bias");
                resampled.add(name + ".skip.bias");
            }
        }
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, Parameter> parameter : net.namedParameters().entrySet()) {
            String ours = parameter.getKey();
            String reference = referenceName(ours);
            entries.add(
                    new Entry(reference, ours, parameter.getValue().getShape().getShape()));
            if (resampled.contains(ours)) {
                String module = reference.substring(0, reference.length() - ".bias".length());
                entries.add(new Entry(module + RESAMPLE_FILTER_SUFFIX, null, RESAMPLE_FILTER.shape()));
            }
        }
        return new ReferenceLayout(entries);
    }

    /** Our dotted parameter name (see {@link ParameterNames}) as the reference's state_dict key. */
    public static String referenceName(String ourName) {
        String name = ourName.replace(".attn.", ".");
        if (name.startsWith("enc_") || name.startsWith("dec_")) {
            name = name.substring(0, 3) + "." + name.substring(4);
        }
        return MODEL_PREFIX + name;
    }

    /** Reference name -> shape, in the reference's state_dict order. */
    public Map<String, long[]> shapes() {
        Map<String, long[]> out = new LinkedHashMap<>();
        entries.forEach(e -> out.put(e.referenceName(), e.shape().clone()));
        return out;
    }

    /**
     * Our tensors (by our names, e.g. a checkpoint's EMA group) under the reference's names, buffers included.
     * @throws IllegalArgumentException when a parameter is missing or has another shape
     */
    public Map<String, HostTensor> toReference(Map<String, HostTensor> ours) {
        if (ours.size() != entries.stream().filter(e -> e.ourName() != null).count()) {
            throw new IllegalArgumentException("the weights hold " + ours.size() + " tensors, the network has "
                    + entries.stream().filter(e -> e.ourName() != null).count());
        }
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (Entry entry : entries) {
            HostTensor tensor = entry.ourName() == null ? RESAMPLE_FILTER : ours.get(entry.ourName());
            if (tensor == null || !Arrays.equals(tensor.shape(), entry.shape())) {
                throw new IllegalArgumentException("parameter " + entry.ourName() + " is "
                        + (tensor == null ? "missing" : "of shape " + Arrays.toString(tensor.shape()))
                        + ", the network needs " + Arrays.toString(entry.shape()));
            }
            out.put(entry.referenceName(), tensor);
        }
        return out;
    }

    /**
     * The reference's tensors under our names, in our parameter order: every name must be there with its shape,
     * nothing else may be, and each resample_filter must be EDM's [1, 1] filter (another one is another network).
     */
    public Map<String, HostTensor> fromReference(Map<String, HostTensor> reference) throws SafetensorsException {
        TreeSet<String> extra = new TreeSet<>(reference.keySet());
        List<String> missing = new ArrayList<>();
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (Entry entry : entries) {
            extra.remove(entry.referenceName());
            HostTensor tensor = reference.get(entry.referenceName());
            if (tensor == null) {
                missing.add(entry.referenceName());
                continue;
            }
            if (!Arrays.equals(tensor.shape(), entry.shape())) {
                throw new SafetensorsException("tensor " + entry.referenceName() + " has shape "
                        + Arrays.toString(tensor.shape()) + ", the configured network needs "
                        + Arrays.toString(entry.shape()));
            }
            if (entry.ourName() == null) {
                if (!Arrays.equals(tensor.data(), RESAMPLE_FILTER.data())) {
                    throw new SafetensorsException("tensor " + entry.referenceName() + " is "
                            + Arrays.toString(tensor.data()) + ", not DDPM++'s [1, 1] resample filter "
                            + Arrays.toString(RESAMPLE_FILTER.data()));
                }
            } else {
                out.put(entry.ourName(), tensor);
            }
        }
        if (!missing.isEmpty() || !extra.isEmpty()) {
            throw new SafetensorsException("the tensors do not fit the configured network: "
                    + (missing.isEmpty() ? "" : missing.size() + " missing (first: " + missing.get(0) + ")")
                    + (!missing.isEmpty() && !extra.isEmpty() ? ", " : "")
                    + (extra.isEmpty() ? "" : extra.size() + " unexpected (first: " + extra.first() + ")"));
        }
        return out;
    }
}
