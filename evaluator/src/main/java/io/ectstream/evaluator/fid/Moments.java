package io.ectstream.evaluator.fid;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;

/**
 * Running first and second moments of feature vectors in float64: the count n, the sums of the
 * features and the sums of their outer products (upper triangle, row by row, d(d+1)/2 values).
 * Moments of disjoint sample sets add; mean and unbiased (n - 1) covariance follow from them.
 */
public final class Moments {
    private final int dimension;
    private long count;
    private final double[] sums;
    private final double[] outerSums;

    public Moments(int dimension) {
        this(dimension, 0, new double[dimension], new double[packedSize(dimension)]);
    }

    /** Wraps existing arrays (no copy); used by the serde. */
    public Moments(int dimension, long count, double[] sums, double[] outerSums) {
        if (dimension < 1) {
            throw new IllegalArgumentException("feature dimension must be positive, got " + dimension);
        }
        if (sums.length != dimension || outerSums.length != packedSize(dimension)) {
            throw new IllegalArgumentException("moment arrays do not match dimension " + dimension);
        }
        this.dimension = dimension;
        this.count = count;
        this.sums = sums;
        this.outerSums = outerSums;
    }

    public static int packedSize(int dimension) {
        return Math.toIntExact((long) dimension * (dimension + 1) / 2);
    }

    public int dimension() {
        return dimension;
    }

    public long count() {
        return count;
    }

    public double[] sums() {
        return sums;
    }

    public double[] outerSums() {
        return outerSums;
    }

    public void add(float[] x) {
        if (x.length != dimension) {
            throw new IllegalArgumentException("feature vector has " + x.length + " values, expected " + dimension);
        }
        int p = 0;
        for (int i = 0; i < dimension; i++) {
            double xi = x[i];
            sums[i] += xi;
            for (int j = i; j < dimension; j++) {
                outerSums[p++] += xi * x[j];
            }
        }
        count++;
    }

    public void add(double[] x) {
        if (x.length != dimension) {
            throw new IllegalArgumentException("feature vector has " + x.length + " values, expected " + dimension);
        }
        int p = 0;
        for (int i = 0; i < dimension; i++) {
            double xi = x[i];
            sums[i] += xi;
            for (int j = i; j < dimension; j++) {
                outerSums[p++] += xi * x[j];
            }
        }
        count++;
    }

    public void addAll(float[][] features) {
        for (float[] x : features) {
            add(x);
        }
    }

    public void add(Moments other) {
        if (other.dimension != dimension) {
            throw new IllegalArgumentException(
                    "cannot add moments of dimension " + other.dimension + " to " + dimension);
        }
        for (int i = 0; i < dimension; i++) {
            sums[i] += other.sums[i];
        }
        for (int p = 0; p < outerSums.length; p++) {
            outerSums[p] += other.outerSums[p];
        }
        count += other.count;
    }

    public Moments copy() {
        return new Moments(dimension, count, sums.clone(), outerSums.clone());
    }

    public double[] mean() {
        requireCount(1);
        double[] mu = new double[dimension];
        for (int i = 0; i < dimension; i++) {
            mu[i] = sums[i] / count;
        }
        return mu;
    }

    /** S = (sum x x^T - n mu mu^T) / (n - 1). */
    public DMatrixRMaj covariance() {
        requireCount(2);
        double[] mu = mean();
        DMatrixRMaj s = new DMatrixRMaj(dimension, dimension);
        int p = 0;
        for (int i = 0; i < dimension; i++) {
            for (int j = i; j < dimension; j++) {
                double sij = (outerSums[p++] - count * mu[i] * mu[j]) / (count - 1);
                s.unsafe_set(i, j, sij);
                s.unsafe_set(j, i, sij);
            }
        }
        return s;
    }

    private void requireCount(long atLeast) {
        if (count < atLeast) {
            throw new IllegalStateException("need at least " + atLeast + " samples, have " + count);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Moments m
                && m.dimension == dimension
                && m.count == count
                && Arrays.equals(m.sums, sums)
                && Arrays.equals(m.outerSums, outerSums);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(count) * 31 + Arrays.hashCode(sums);
    }

    @Override
    public String toString() {
        return "Moments[d=" + dimension + ", n=" + count + "]";
    }
}
