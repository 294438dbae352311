package io.github.rediskube.core.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

    /**
     * Refuses a {@code null} argument at once, where a builder or a record cannot even hold it (a map to copy,
     * a key, a callback): {@code "<parameter> is required, was null: <fix>"}, never a JDK collection's bare
     * {@link NullPointerException}.
     *
     * @return {@code value}
     * @throws IllegalArgumentException if {@code value} is {@code null}
     */
    static <T> T requireArgument(T value, String parameter, String fix) {
        if (value == null) {
            throw new IllegalArgumentException(parameter + " is required, was null: " + fix);
        }
        return value;
    }

    /**
     * Refuses a {@code null} map and a map with a {@code null} key (values are checked with the spec).
     *
     * @return {@code map}
     * @throws IllegalArgumentException naming the parameter
     */
    static <V> Map<String, V> requireKeys(Map<String, V> map, String parameter, String fix) {
        requireArgument(map, parameter, fix);
        for (String key : map.keySet()) {
            requireArgument(key, parameter + " key", fix);
        }
        return map;
    }

    /**
     * Refuses a {@code null} list and a list with a {@code null} element.
     *
     * @return {@code list}
     * @throws IllegalArgumentException naming the parameter and the element's index
     */
    static <T> List<T> requireElements(List<T> list, String parameter, String fix) {
        requireArgument(list, parameter, fix);
        for (int i = 0; i < list.size(); i++) {
            requireArgument(list.get(i), parameter + "[" + i + "]", fix);
        }
        return list;
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
