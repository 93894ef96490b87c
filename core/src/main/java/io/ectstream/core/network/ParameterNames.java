package io.ectstream.core.network;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parameters by readable dotted names in a stable order, e.g. {@code enc_32x32_block0.conv0.weight}
 * (DJL's own names carry child-number prefixes such as {@code 04enc_32x32_block0_02conv0_weight}).
 * These are the names of the layer table and of checkpoint tensors.
 */
public final class ParameterNames {
    private ParameterNames() {}

    public static Map<String, Parameter> of(Block block) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", block, out);
        return out;
    }

    private static void collect(String prefix, Block block, Map<String, Parameter> out) {
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            out.put(prefix + p.getKey(), p.getValue());
        }
        for (Pair<String, Block> child : block.getChildren()) {
            collect(prefix + childName(child.getKey()) + ".", child.getValue(), out);
        }
    }

    /** A child block's readable name: DJL's key without its child-number prefix ({@code 04enc_32x32_block0}). */
    public static String childName(String childKey) {
        int i = 0;
        while (i < childKey.length() && Character.isDigit(childKey.charAt(i))) {
            i++;
        }
        return childKey.substring(i);
    }
}
