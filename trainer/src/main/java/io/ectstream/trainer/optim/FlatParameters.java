package io.ectstream.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * The trainable parameters seen as one flat vector, so that optimizer and EMA arithmetic runs as a
 * handful of large ops instead of a handful of ops per parameter (each DJL op costs a fixed dispatch overhead).
 */
public final class FlatParameters {
    private final List<String> names;
    private final List<NDArray> arrays;
    private final long[] splitPoints;
    private final long size;

    public FlatParameters(List<String> names, List<NDArray> arrays) {
        if (names.size() != arrays.size() || arrays.isEmpty()) {
            throw new IllegalArgumentException("need one name per parameter array, and at least one: " + names.size()
                    + " names, " + arrays.size() + " arrays");
        }
        this.names = List.copyOf(names);
        this.arrays = List.copyOf(arrays);
        this.splitPoints = new long[arrays.size() - 1];
        long offset = 0;
        for (int i = 0; i < arrays.size(); i++) {
            offset += arrays.get(i).size();
            if (i < splitPoints.length) {
                splitPoints[i] = offset;
            }
        }
        this.size = offset;
    }

    public List<String> names() {
        return names;
    }

    public List<NDArray> arrays() {
        return arrays;
    }

    public long size() {
        return size;
    }

    /** Concatenates the parameters' current values into one new vector owned by {@code manager}. */
    public NDArray flatValues(NDManager manager) {
        return flatten(manager, arrays);
    }

    /** Concatenates the parameters' gradients into one new vector owned by {@code manager}. */
    public NDArray flatGradients(NDManager manager) {
        List<NDArray> gradients = new ArrayList<>(arrays.size());
        for (NDArray p : arrays) {
            NDArray g = p.getGradient();
            g.attach(manager);
            gradients.add(g);
        }
        return flatten(manager, gradients);
    }

    /** Sets every gradient to zero in place (gradients accumulate across backward passes). */
    public void zeroGradients(NDManager manager) {
        NDIndex all = new NDIndex("...");
        for (NDArray p : arrays) {
            NDArray g = p.getGradient();
            g.attach(manager);
            g.set(all, 0f);
        }
    }

    /** Splits a flat vector back into arrays of the parameters' shapes, owned by the vector's manager. */
    public List<NDArray> unflatten(NDArray flat) {
        if (flat.size() != size) {
            throw new IllegalArgumentException("flat vector has " + flat.size() + " values, parameters have " + size);
        }
        NDList parts = arrays.size() == 1 ? new NDList(flat) : flat.split(splitPoints);
        List<NDArray> shaped = new ArrayList<>(arrays.size());
        for (int i = 0; i < arrays.size(); i++) {
            shaped.add(parts.get(i).reshape(arrays.get(i).getShape()));
        }
        return shaped;
    }

    /** p_i -= delta_i for every parameter, in place, from one flat vector of deltas. */
    public void subtractInPlace(NDArray flatDelta) {
        List<NDArray> deltas = unflatten(flatDelta);
        for (int i = 0; i < arrays.size(); i++) {
            arrays.get(i).subi(deltas.get(i));
        }
    }

    /** Overwrites the parameters, in place, with the values of a flat vector. */
    public void assign(NDArray flatValues) {
        List<NDArray> values = unflatten(flatValues);
        NDIndex all = new NDIndex("...");
        for (int i = 0; i < arrays.size(); i++) {
            arrays.get(i).set(all, values.get(i));
        }
    }

    private static NDArray flatten(NDManager manager, List<NDArray> parts) {
        NDList flat = new NDList(parts.size());
        for (NDArray part : parts) {
            NDArray row = part.reshape(new Shape(-1));
            row.attach(manager);
            flat.add(row);
        }
        if (flat.size() == 1) {
            NDArray copy = flat.get(0).duplicate();
            copy.attach(manager);
            return copy;
        }
        return NDArrays.concat(flat);
    }
}
