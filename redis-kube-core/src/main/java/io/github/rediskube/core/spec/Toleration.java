package io.github.rediskube.core.spec;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A pod toleration, so Redis pods may run on tainted nodes.
 *
 * @param key      taint key ({@code null} with operator {@code Exists} tolerates every taint)
 * @param operator {@code Equal} or {@code Exists}
 * @param value    taint value for {@code Equal}, else {@code null}
 * @param effect   {@code NoSchedule}, {@code PreferNoSchedule}, {@code NoExecute} or {@code null} for all
 */
public record Toleration(@Nullable String key, String operator, @Nullable String value, @Nullable String effect) {

    private static final Set<String> OPERATORS = Set.of("Equal", "Exists");
    private static final Set<String> EFFECTS = Set.of("NoSchedule", "PreferNoSchedule", "NoExecute");

    /**
     * @param key    taint key
     * @param value  taint value
     * @param effect taint effect, or {@code null} for all
     * @return a toleration of the taint {@code key=value:effect}
     */
    public static Toleration equal(String key, String value, @Nullable String effect) {
        return new Toleration(key, "Equal", value, effect);
    }

    /**
     * @param key    taint key
     * @param effect taint effect, or {@code null} for all
     * @return a toleration of every taint with this key
     */
    public static Toleration exists(@Nullable String key, @Nullable String effect) {
        return new Toleration(key, "Exists", null, effect);
    }

    void check(Checks checks, String field) {
        checks.require(operator != null && OPERATORS.contains(operator), field + ".operator", operator,
                "must be Equal or Exists",
                "use Toleration.equal(..) or Toleration.exists(..)");
        if (key != null) {
            checks.require(Names.isQualifiedKey(key), field + ".key", key, "must be a valid taint key",
                    "use e.g. \"dedicated\" or \"example.com/redis\"");
        } else {
            checks.require("Exists".equals(operator), field + ".key", null, "may only be empty with operator Exists",
                    "name the taint key");
        }
        if ("Exists".equals(operator)) {
            checks.require(value == null, field + ".value", value, "must be empty with operator Exists",
                    "drop the value or use Toleration.equal(..)");
        } else if (value != null) {
            checks.require(Names.isLabelValue(value), field + ".value", value, "must be a valid taint value",
                    "use letters, digits, '-', '_' and '.', at most 63 characters");
        }
        if (effect != null) {
            checks.require(EFFECTS.contains(effect), field + ".effect", effect,
                    "must be one of NoSchedule, PreferNoSchedule, NoExecute", "use one of them, or null for all");
        }
    }
}
