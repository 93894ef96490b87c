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
import io.ectstream.core.checkpoint.HostTensor;
import io.ectstream.core.checkpoint.LoadedCheckpoint;
import io.ectstream.core.device.GradMode;
import io.ectstream.core.network.DropoutMasks;
import io.ectstream.core.safetensors.ReferenceLayout;
import io.ectstream.core.safetensors.Safetensors;
import io.ectstream.trainer.ect.DenoiserPass;
import io.ectstream.trainer.ect.EctLoss;
import io.ectstream.trainer.ect.EctSchedule;
import io.ectstream.trainer.testing.Fixtures;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Our ECT training step's loss and gradients equal locuslab/ect's on the same inputs: the fixture is one step of the
 * reference's own ECMPrecond and ECMLoss (fixtures/ect_step_parity.py) on the project's teacher, 8 images, fixed
 * t (0.004 to 81), r from the schedule and shared noise, computed exactly (float64) and, for the error float32 alone
 * makes, in float32; ours is {@link TrainingStep#ectBackward} with the student in training mode, in float32. Cases:
 * dropout 0, and dropout 0.2 with masks from a hash both programs compute (so where and how the masks act is checked
 * too). Gradients are compared through per-tensor norms, sums and +-1 projections; with
 * {@code -Dectstream.parity.fullGradients=<file>} (the script's --full-out) it also prints every tensor's relative L2
 * error against the exact gradient.
 */
class EctStepParityTest {
    private static final Path REPO = Path.of(System.getProperty("ectstream.repo.root", ".."));
    private static final JsonNode FIXTURE = Fixtures.json("ect_step_parity.json");
    /**
     * The fixture is the reference's step computed exactly (float64) with its fp32 run's error beside each value. The
     * loss is a difference of two nearly equal denoiser outputs over t - r = t n(t) / 256, so float32 rounding alone
     * moves losses by up to 4e-4 and gradients by up to 7e-3 (the reference against itself in float64): our float32
     * step passes when it is as close to the exact step as the reference's float32 step, within this factor.
     */
    private static final double SLACK = 3;

    private static final double FLOOR = 1e-5;

    @Test
    void withoutDropoutLossAndGradientsEqualTheReferences() throws Exception {
        check("dropout0");
    }

    @Test
    void withTheSameDropoutMasksLossAndGradientsEqualTheReferences() throws Exception {
        check("hashmask");
    }

    @Test
    void theScheduleGivesTheReferencesR() {
        EctSchedule schedule = schedule();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            float[] r = schedule.r(t(manager), 0).toFloatArray();
            float[] want = Fixtures.floats(FIXTURE.get("r"));
            for (int i = 0; i < r.length; i++) {
                assertEquals(want[i], r[i], Math.ulp(want[i]), "r of sample " + i);
            }
        }
        JsonNode dropout = FIXTURE.get("torchDropout");
        assertEquals(1.25, dropout.get("values").get(1).asDouble(), "torch's dropout scales kept values by 1/(1-p)");
        assertEquals(0.8, dropout.get("keepRate").asDouble(), 5e-3, "torch's dropout keeps with probability 1-p");
    }

    private static void check(String caseName) throws Exception {
        JsonNode expected = FIXTURE.get("cases").get(caseName);
        double dropout = expected.get("dropout").asDouble();
        LoadedCheckpoint teacher = CheckpointReader.read(
                REPO.resolve("models/fashion-teacher.ckpt"), null, Set.of(CheckpointFormat.GROUP_EMA));
        assertEquals(FIXTURE.get("teacherSha256").asText(), teacher.sha256(), "the fixture is of this teacher");
        try (TrainingModel model =
                        new TrainingModel(teacher.metadata().network().withDropout(dropout), Device.cpu(), 0);
                NDManager manager = model.manager().newSubManager()) {
            model.initFromEma(teacher.group(CheckpointFormat.GROUP_EMA));
            NDArray t = t(manager);
            EctLoss ect = new EctLoss(schedule(), 0);
            EctLoss.Draw draw = new EctLoss.Draw(x(manager), t, schedule().r(t, 0), e(manager));
            DropoutMasks masks =
                    dropout > 0 ? new DropoutMasks(ParityFixtures.hashMasks(block -> block + 1)) : new DropoutMasks();
            DenoiserPass pass = model.pass(new ParameterStore(manager, false), masks);

            NDArray mean = TrainingStep.ectBackward(ect, draw, pass);
            float[] losses;
            try (GradMode off = GradMode.disabled()) {
                losses = ect.perSample(draw, ect.target(draw, pass), pass).toFloatArray();
            }
            double[] want = Fixtures.doubles(expected.get("losses"));
            double[] theirs = Fixtures.doubles(expected.get("fp32LossErrors"));
            double wantMean = 0;
            for (int i = 0; i < want.length; i++) {
                double error = Math.abs(losses[i] - want[i]) / want[i];
                System.out.printf(
                        "%s loss %d (t %.4g): exact %.9g, our error %.2e, reference fp32's %.2e%n",
                        caseName, i, draw.t().toFloatArray()[i], want[i], error, Math.abs(theirs[i]));
                assertTrue(
                        error <= SLACK * Math.max(Math.abs(theirs[i]), FLOOR),
                        caseName + ": loss of sample " + i + " is off by " + error);
                wantMean += want[i] / want.length;
            }
            assertEquals(wantMean, mean.getFloat(), 1e-4 * wantMean, caseName + ": batch loss");

            compareGradients(caseName, model, expected.get("grads"));
        }
    }

    private static void compareGradients(String caseName, TrainingModel model, JsonNode grads) throws Exception {
        List<String> names = model.parameters().names();
        List<NDArray> arrays = model.parameters().arrays();
        ParityFixtures.assertCloseToExact(
                caseName + " gradients",
                names,
                i -> arrays.get(i).getGradient().toFloatArray(),
                grads,
                FIXTURE.get("projections").asInt(),
                SLACK);
        String fullFile = System.getProperty("ectstream.parity.fullGradients");
        if (fullFile == null) {
            return;
        }
        Map<String, HostTensor> full = Safetensors.read(Path.of(fullFile)).tensors();
        for (int i = 0; i < names.size(); i++) {
            String name = ReferenceLayout.referenceName(names.get(i));
            float[] ours = arrays.get(i).getGradient().toFloatArray();
            float[] theirs = full.get(caseName + "." + name).data();
            double diff = 0;
            double norm = 0;
            for (int j = 0; j < ours.length; j++) {
                diff += Math.pow((double) ours[j] - theirs[j], 2);
                norm += (double) theirs[j] * theirs[j];
            }
            System.out.printf(
                    "%s %-45s norm %.4e, our relative L2 error %.2e%n",
                    caseName, name, Math.sqrt(norm), Math.sqrt(diff / norm));
        }
    }

    private static EctSchedule schedule() {
        JsonNode s = FIXTURE.get("schedule");
        assertEquals(0, s.get("stage").asInt());
        return new EctSchedule(
                s.get("pMean").asDouble(),
                s.get("pStd").asDouble(),
                s.get("q").asDouble(),
                s.get("k").asDouble(),
                s.get("b").asDouble(),
                1,
                false);
    }

    private static Shape shape() {
        JsonNode s = FIXTURE.get("shape");
        return new Shape(
                s.get(0).asLong(),
                s.get(1).asLong(),
                s.get(2).asLong(),
                s.get(3).asLong());
    }

    private static NDArray t(NDManager manager) {
        float[] t = Fixtures.floats(FIXTURE.get("t"));
        return manager.create(t, new Shape(t.length, 1, 1, 1));
    }

    /** The images as the reference makes them: uint8 / 127.5 - 1 in float32. */
    private static NDArray x(NDManager manager) {
        byte[] u8 = Base64.getDecoder().decode(FIXTURE.get("xU8").asText());
        return manager.create(ByteBuffer.wrap(u8), shape(), DataType.UINT8)
                .toType(DataType.FLOAT32, false)
                .div(127.5f)
                .sub(1f);
    }

    private static NDArray e(NDManager manager) {
        ByteBuffer bytes = ByteBuffer.wrap(
                        Base64.getDecoder().decode(FIXTURE.get("eF32").asText()))
                .order(ByteOrder.LITTLE_ENDIAN);
        float[] e = new float[bytes.remaining() / Float.BYTES];
        bytes.asFloatBuffer().get(e);
        return manager.create(e, shape());
    }
}
