package io.ectstream.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import io.ectstream.core.checkpoint.CheckpointFormat;
import io.ectstream.core.checkpoint.CheckpointReader;
import io.ectstream.core.checkpoint.LoadedCheckpoint;
import io.ectstream.core.network.DropoutMasks;
import io.ectstream.schemas.Phase;
import io.ectstream.trainer.config.OptimizerConfig;
import io.ectstream.trainer.config.PhaseConfig;
import io.ectstream.trainer.config.TrainingConfig;
import io.ectstream.trainer.config.TrainingConfigLoader;
import io.ectstream.trainer.ect.DenoiserPass;
import io.ectstream.trainer.ect.EctLoss;
import io.ectstream.trainer.testing.Fixtures;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Twelve of our ECT training steps move the weights and the EMA as twelve of locuslab/ect's do, from the same
 * inputs: the fixture (fixtures/ect_trajectory_parity.py) runs the reference's ECMPrecond and ECMLoss with
 * torch.optim.RAdam and its EMA lerp for twelve steps on the project's teacher, exactly (float64) and in float32; we
 * run {@link TrainingStep#ectBackward} and {@link TrainingStep#update} with {@code configs/fashion-ect-1hour.yaml}'s
 * recipe. EctStepParityTest covers one step; this covers what only a run of steps shows: RAdam's unrectified steps
 * (1-4) and rectified ones, the EMA after each step, gradients cleared between steps, fresh shared masks per step.
 */
class EctTrajectoryParityTest {
    private static final Path REPO = Path.of(System.getProperty("ectstream.repo.root", ".."));
    private static final JsonNode FIXTURE = Fixtures.json("ect_trajectory_parity.json");
    /** As EctStepParityTest: our float32 run is as close to the exact one as the reference's, within this factor. */
    private static final double SLACK = 3;

    @Test
    void twelveStepsMoveTheWeightsAndTheEmaAsTheReferencesDo() throws Exception {
        TrainingConfig config = TrainingConfigLoader.load(REPO.resolve("configs/fashion-ect-1hour.yaml"), List.of());
        PhaseConfig phase = config.ect();
        assertTheFixtureIsOfThisRecipe(phase);
        LoadedCheckpoint teacher = CheckpointReader.read(
                REPO.resolve("models/fashion-teacher.ckpt"), null, Set.of(CheckpointFormat.GROUP_EMA));
        assertEquals(FIXTURE.get("teacherSha256").asText(), teacher.sha256(), "the fixture is of this teacher");
        int steps = FIXTURE.get("steps").asInt();
        try (TrainingModel model = new TrainingModel(config.networkFor(Phase.ECT), Device.cpu(), 0)) {
            model.initFromEma(teacher.group(CheckpointFormat.GROUP_EMA));
            model.newOptimizer(phase);
            List<NDArray> arrays = model.parameters().arrays();
            List<float[]> start = new ArrayList<>();
            arrays.forEach(a -> start.add(a.toFloatArray()));
            EctLoss ect = new EctLoss(phase.schedule(), phase.c());
            double[] wantLosses = Fixtures.doubles(FIXTURE.get("losses"));
            double[] theirLossErrors = Fixtures.doubles(FIXTURE.get("fp32LossErrors"));
            for (int k = 0; k < steps; k++) {
                try (NDManager manager = model.manager().newSubManager()) {
                    EctLoss.Draw draw = draw(manager, phase, k);
                    int step = k;
                    DropoutMasks masks =
                            new DropoutMasks(ParityFixtures.hashMasks(block -> 10_000 * (step + 1) + block + 1));
                    DenoiserPass pass = model.pass(new ParameterStore(manager, false), masks);
                    float loss = TrainingStep.ectBackward(ect, draw, pass).getFloat();
                    TrainingStep.update(model, phase, manager, (long) k * phase.batch());
                    double error = Math.abs(loss - wantLosses[k]) / wantLosses[k];
                    System.out.printf(
                            "step %d: batch loss exact %.9g, our error %.2e, reference fp32's %.2e%n",
                            k + 1, wantLosses[k], error, Math.abs(theirLossErrors[k]));
                    assertTrue(
                            error <= SLACK * Math.max(Math.abs(theirLossErrors[k]), 1e-5),
                            "batch loss of step " + (k + 1) + " is off by " + error);
                }
            }
            List<String> names = model.parameters().names();
            int projections = FIXTURE.get("projections").asInt();
            ParityFixtures.assertCloseToExact(
                    "student update",
                    names,
                    i -> minus(arrays.get(i).toFloatArray(), start.get(i)),
                    FIXTURE.get("student"),
                    projections,
                    SLACK);
            try (NDManager scratch = model.manager().newSubManager()) {
                Map<String, NDArray> ema = model.emaTensors(scratch);
                ParityFixtures.assertCloseToExact(
                        "EMA update",
                        names,
                        i -> minus(ema.get(names.get(i)).toFloatArray(), start.get(i)),
                        FIXTURE.get("ema"),
                        projections,
                        SLACK);
            }
        }
    }

    private static void assertTheFixtureIsOfThisRecipe(PhaseConfig phase) {
        JsonNode o = FIXTURE.get("optimizer");
        OptimizerConfig ours = phase.optimizer();
        assertEquals(o.get("kind").asText(), ours.kind());
        assertEquals(o.get("lr").asDouble(), ours.lrAt(0));
        assertEquals(o.get("beta1").asDouble(), ours.beta1());
        assertEquals(o.get("beta2").asDouble(), ours.beta2());
        assertEquals(o.get("eps").asDouble(), ours.eps());
        assertEquals(FIXTURE.get("emaBeta").asDouble(), phase.ema().betaAt(phase.batch(), 0));
        assertEquals(FIXTURE.get("dropout").asDouble(), phase.dropout());
        JsonNode s = FIXTURE.get("schedule");
        assertEquals(s.get("pMean").asDouble(), phase.pMean());
        assertEquals(s.get("pStd").asDouble(), phase.pStd());
        assertEquals(s.get("q").asDouble(), phase.q());
        assertEquals(s.get("k").asDouble(), phase.k());
        assertEquals(s.get("b").asDouble(), phase.b());
        assertEquals(s.get("c").asDouble(), phase.c());
    }

    /** Step k's draw: the fixture's images, its float32 t (r checked against ours), and the hash noise. */
    private static EctLoss.Draw draw(NDManager manager, PhaseConfig phase, int k) {
        float[] t = Fixtures.floats(FIXTURE.get("t").get(k));
        NDArray tArray = manager.create(t, new Shape(t.length, 1, 1, 1));
        NDArray r = phase.schedule().r(tArray, 0);
        float[] ourR = r.toFloatArray();
        float[] wantR = Fixtures.floats(FIXTURE.get("r").get(k));
        for (int i = 0; i < ourR.length; i++) {
            assertEquals(wantR[i], ourR[i], Math.ulp(wantR[i]), "r of sample " + i + " at step " + (k + 1));
        }
        Shape shape = shape();
        float[] e = hashNormal(k, (int) shape.size());
        if (k == 0) {
            float[] check = Fixtures.floats(FIXTURE.get("eCheck"));
            for (int i = 0; i < check.length; i++) {
                assertEquals(check[i], e[i], 1e-6, "the script's noise value " + i);
            }
        }
        return new EctLoss.Draw(x(manager), tArray, r, manager.create(e, shape));
    }

    /** The script's hash_normal: Box-Muller from two hash streams, u1 in (0, 1]. */
    private static float[] hashNormal(int step, int n) {
        int salt1 = 20_000_000 + 2 * step;
        int salt2 = salt1 + 1;
        float[] e = new float[n];
        for (int i = 0; i < n; i++) {
            double u1 = 1.0 - ParityFixtures.hashUniform(salt1, i);
            double u2 = ParityFixtures.hashUniform(salt2, i);
            e[i] = (float) (Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2));
        }
        return e;
    }

    private static float[] minus(float[] after, float[] before) {
        float[] d = new float[after.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) ((double) after[i] - before[i]);
        }
        return d;
    }

    private static Shape shape() {
        JsonNode s = FIXTURE.get("shape");
        return new Shape(
                s.get(0).asLong(),
                s.get(1).asLong(),
                s.get(2).asLong(),
                s.get(3).asLong());
    }

    private static NDArray x(NDManager manager) {
        byte[] u8 = Base64.getDecoder().decode(FIXTURE.get("xU8").asText());
        return manager.create(ByteBuffer.wrap(u8), shape(), DataType.UINT8)
                .toType(DataType.FLOAT32, false)
                .div(127.5f)
                .sub(1f);
    }
}
