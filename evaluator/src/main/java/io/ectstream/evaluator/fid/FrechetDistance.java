package io.ectstream.evaluator.fid;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * FID against fixed reference statistics (docs/ECT.md §6):
 * FID = ||mu_g - mu_r||^2 + Tr(S_g) + Tr(S_r) - 2 Tr((S_g S_r)^(1/2)).
 * The trace of the square root is computed stably: A = sqrtm(S_r) once, by a symmetric
 * eigendecomposition; per call M = A S_g A (symmetric PSD) and Tr((S_g S_r)^(1/2)) = sum sqrt(max(eig(M), 0)),
 * since S_g S_r is similar to A S_g A. Only eigenvalues are taken per call.
 */
public final class FrechetDistance {
    private final GaussianStatistics reference;
    private final double traceReference;
    private DMatrixRMaj sqrtReference;

    /** The decomposition of the reference covariance runs once, at the first {@link #distance} (seconds at d = 2048). */
    public FrechetDistance(GaussianStatistics reference) {
        this.reference = reference;
        this.traceReference = CommonOps_DDRM.trace(reference.covariance());
    }

    private synchronized DMatrixRMaj sqrtReference() {
        if (sqrtReference == null) {
            sqrtReference = symmetricSqrt(reference.covariance());
        }
        return sqrtReference;
    }

    public int dimension() {
        return reference.dimension();
    }

    public double distance(GaussianStatistics generated) {
        int d = dimension();
        if (generated.dimension() != d) {
            throw new IllegalArgumentException(
                    "generated features have dimension " + generated.dimension() + ", the reference statistics " + d);
        }
        double meanTerm = 0;
        for (int i = 0; i < d; i++) {
            double diff = generated.mean()[i] - reference.mean()[i];
            meanTerm += diff * diff;
        }
        DMatrixRMaj a = sqrtReference();
        DMatrixRMaj sgA = new DMatrixRMaj(d, d);
        CommonOps_DDRM.mult(generated.covariance(), a, sgA);
        DMatrixRMaj m = new DMatrixRMaj(d, d);
        CommonOps_DDRM.mult(a, sgA, m);
        symmetrize(m);
        double traceSqrt = 0;
        for (double lambda : symmetricEigenvalues(m)) {
            traceSqrt += Math.sqrt(Math.max(lambda, 0));
        }
        return meanTerm + CommonOps_DDRM.trace(generated.covariance()) + traceReference - 2 * traceSqrt;
    }

    /** sqrtm of a symmetric PSD matrix: V diag(sqrt(max(lambda, 0))) V^T. */
    static DMatrixRMaj symmetricSqrt(DMatrixRMaj s) {
        int d = s.numRows;
        DMatrixRMaj copy = s.copy();
        symmetrize(copy);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
        if (!eig.decompose(copy)) {
            throw new ArithmeticException("eigendecomposition of the reference covariance did not converge");
        }
        DMatrixRMaj v = new DMatrixRMaj(d, d);
        DMatrixRMaj vScaled = new DMatrixRMaj(d, d);
        for (int k = 0; k < d; k++) {
            DMatrixRMaj vk = eig.getEigenVector(k);
            double root = Math.sqrt(Math.max(eig.getEigenvalue(k).real, 0));
            for (int i = 0; i < d; i++) {
                v.unsafe_set(i, k, vk.get(i));
                vScaled.unsafe_set(i, k, vk.get(i) * root);
            }
        }
        DMatrixRMaj a = new DMatrixRMaj(d, d);
        CommonOps_DDRM.multTransB(vScaled, v, a);
        symmetrize(a);
        return a;
    }

    static double[] symmetricEigenvalues(DMatrixRMaj m) {
        int d = m.numRows;
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, false, true);
        if (!eig.decompose(m.copy())) {
            throw new ArithmeticException("eigenvalues of A S_g A did not converge");
        }
        double[] values = new double[d];
        for (int k = 0; k < d; k++) {
            values[k] = eig.getEigenvalue(k).real;
        }
        return values;
    }

    private static void symmetrize(DMatrixRMaj m) {
        int d = m.numRows;
        for (int i = 0; i < d; i++) {
            for (int j = i + 1; j < d; j++) {
                double avg = 0.5 * (m.unsafe_get(i, j) + m.unsafe_get(j, i));
                m.unsafe_set(i, j, avg);
                m.unsafe_set(j, i, avg);
            }
        }
    }
}
