package io.github.rediskube.core.spec;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects every problem of a spec, then fails once with all of them. Each problem names the field,
 * the bad value, the rule it breaks and how to fix it.
 */
final class Checks {

    private final List<String> problems = new ArrayList<>();

    /**
     * Records a problem unless {@code ok}.
     *
     * @return {@code ok}, so that dependent checks can be skipped
     */
    boolean require(boolean ok, String field, Object value, String rule, String fix) {
        if (!ok) {
            problems.add(field + " " + rule + ", was " + show(value) + ": " + fix);
        }
        return ok;
    }

    /** Records a problem that concerns two fields at once (the message is given whole). */
    void fail(String message) {
        problems.add(message);
    }

    List<String> problems() {
        return List.copyOf(problems);
    }

    /** Throws one {@link IllegalArgumentException} listing every problem recorded, if any. */
    void throwIfAny(String what) {
        if (problems.isEmpty()) {
            return;
        }
        if (problems.size() == 1) {
            throw new IllegalArgumentException("Invalid " + what + ": " + problems.get(0));
        }
        StringBuilder message = new StringBuilder("Invalid " + what + ", " + problems.size() + " problems:");
        for (String problem : problems) {
            message.append("\n  - ").append(problem);
        }
        throw new IllegalArgumentException(message.toString());
    }

    static String show(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof CharSequence) {
            return "\"" + value + "\"";
        }
        return String.valueOf(value);
    }
}
