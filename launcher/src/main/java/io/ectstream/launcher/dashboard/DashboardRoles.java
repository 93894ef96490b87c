package io.ectstream.launcher.dashboard;

import io.vertx.core.json.JsonObject;

/**
 * Which runs the page shows apart from the live tuning run: the model served to users (its samples and FID at the
 * top, its FID as the target line of the tuning curve) and the teacher being tuned (its FID as the level the run
 * starts from). Either may be null: a dashboard without roles draws every run as a curve, a teacher guessed as a
 * pretraining run that no tuning run shares.
 */
public record DashboardRoles(String servedRun, String teacherRun) {
    public static final DashboardRoles NONE = new DashboardRoles(null, null);

    JsonObject toJson() {
        return new JsonObject().put("servedRun", servedRun).put("teacherRun", teacherRun);
    }
}
