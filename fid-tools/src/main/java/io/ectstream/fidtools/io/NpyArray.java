package io.ectstream.fidtools.io;

/** A two-dimensional array read from a .npy file: {@code rows x columns} values in C order, widened to float64. */
public record NpyArray(int rows, int columns, double[] data) {
    public NpyArray {
        if ((long) rows * columns != data.length) {
            throw new IllegalArgumentException(rows + "x" + columns + " does not match " + data.length + " values");
        }
    }

    public double[] row(int r) {
        double[] out = new double[columns];
        System.arraycopy(data, r * columns, out, 0, columns);
        return out;
    }
}
