package io.ectstream.evaluator.fid;

import org.ejml.data.DMatrixRMaj;

/** Mean and unbiased covariance of a feature distribution, with the number of samples behind them. */
public record GaussianStatistics(double[] mean, DMatrixRMaj covariance, long count) {
    public GaussianStatistics {
        if (covariance.numRows != mean.length || covariance.numCols != mean.length) {
            throw new IllegalArgumentException("covariance is " + covariance.numRows + "x" + covariance.numCols
                    + " but the mean has " + mean.length + " values");
        }
    }

    public static GaussianStatistics of(Moments moments) {
        return new GaussianStatistics(moments.mean(), moments.covariance(), moments.count());
    }

    public int dimension() {
        return mean.length;
    }
}
