package io.ectstream.fidtools.fid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.evaluator.fid.FrechetDistance;
import io.ectstream.evaluator.fid.GaussianStatistics;
import io.ectstream.evaluator.fid.Moments;
import io.ectstream.fidtools.Fixtures;
import io.ectstream.fidtools.io.NpyArray;
import io.ectstream.fidtools.io.NpyReader;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** FID from streamed moments against fixtures/fid_fixture.json, computed with scipy.linalg.sqrtm (fid_fixture.py). */
class FrechetDistanceScipyTest {

    record Case(
            int d,
            String reference,
            String generated,
            double fid,
            double traceCovGenerated,
            double meanGenerated0,
            double covGenerated01) {}

    static List<Case> cases() throws Exception {
        String json = java.nio.file.Files.readString(Fixtures.path("fid_fixture.json"));
        Matcher m = Pattern.compile("\\{[^{}]*\\}").matcher(json.substring(json.indexOf('[')));
        List<Case> out = new java.util.ArrayList<>();
        while (m.find()) {
            String c = m.group();
            out.add(new Case(
                    (int) num(c, "d"),
                    str(c, "reference"),
                    str(c, "generated"),
                    num(c, "fid"),
                    num(c, "traceCovGenerated"),
                    num(c, "meanGenerated0"),
                    num(c, "covGenerated01")));
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void agreesWithScipyToOneInAMillion(Case c) throws Exception {
        Moments generated = moments(Fixtures.path(c.generated()));
        Moments reference = moments(Fixtures.path(c.reference()));
        GaussianStatistics g = GaussianStatistics.of(generated);

        assertEquals(c.meanGenerated0(), g.mean()[0], 1e-12 * Math.abs(c.meanGenerated0()) + 1e-15);
        assertEquals(c.covGenerated01(), g.covariance().get(0, 1), 1e-9 * Math.abs(c.covGenerated01()));
        assertEquals(
                c.traceCovGenerated(),
                org.ejml.dense.row.CommonOps_DDRM.trace(g.covariance()),
                1e-10 * c.traceCovGenerated());

        double fid = new FrechetDistance(GaussianStatistics.of(reference)).distance(g);
        assertEquals(c.fid(), fid, 1e-6 * c.fid(), "FID d=" + c.d());
    }

    @ParameterizedTest
    @MethodSource("cases")
    void distanceOfTheReferenceToItselfIsZero(Case c) throws Exception {
        GaussianStatistics reference = GaussianStatistics.of(moments(Fixtures.path(c.reference())));
        double fid = new FrechetDistance(reference).distance(reference);
        assertTrue(Math.abs(fid) < 1e-9 * c.d(), "self FID " + fid);
    }

    static Moments moments(Path npy) throws Exception {
        NpyArray array = NpyReader.read(npy);
        Moments moments = new Moments(array.columns());
        for (int r = 0; r < array.rows(); r++) {
            moments.add(array.row(r));
        }
        return moments;
    }

    private static double num(String obj, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":\\s*([-0-9.eE+]+)").matcher(obj);
        if (!m.find()) {
            throw new IllegalStateException("no " + key + " in " + obj);
        }
        return Double.parseDouble(m.group(1));
    }

    private static String str(String obj, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":\\s*\"([^\"]*)\"").matcher(obj);
        if (!m.find()) {
            throw new IllegalStateException("no " + key + " in " + obj);
        }
        return m.group(1);
    }
}
