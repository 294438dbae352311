package io.github.rediskube.core.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * The value of a {@code redis.conf} directive, read as Redis reads a config line ({@code sdssplitargs}):
 * tokens separated by spaces, {@code "double"} quotes with backslash escapes, {@code 'single'} quotes. Redis
 * refuses the whole file, and the pod crash-loops, when a line has an unbalanced quote, a closing quote glued
 * to the next character, or another number of arguments than its directive takes: every directive takes
 * exactly one, except the few in {@link #ARITIES} (checked against {@code redis-server} 7.0).
 */
final class ConfigValues {

    /** How many tokens a directive takes, with the rule in words. */
    record Arity(String rule, IntPredicate accepts) {
    }

    private static final Arity ONE = new Arity("takes exactly 1 value (quote a value that holds spaces)", n -> n == 1);

    /** The directives that take other than one value (those the spec owns, like save and bind, are refused anyway). */
    static final Map<String, Arity> ARITIES = Map.of(
            "client-output-buffer-limit", new Arity("takes groups of 4 values (<class> <hard> <soft> <seconds>)",
                    n -> n > 0 && n % 4 == 0),
            "oom-score-adj-values", new Arity("takes exactly 3 values", n -> n == 3),
            "latency-tracking-info-percentiles", new Arity("takes 1 or more values", n -> n >= 1),
            "shutdown-on-sigterm", new Arity("takes 1 or more flags", n -> n >= 1),
            "shutdown-on-sigint", new Arity("takes 1 or more flags", n -> n >= 1));

    private ConfigValues() {
    }

    /** Checks the value of {@code config(directive, value)}; the directive is a valid name, lower-cased. */
    static void check(Checks checks, String directive, String key, String value) {
        String field = "config[" + directive + "]";
        if (!checks.require(value != null && !value.isBlank(), field, value, "must be a non-empty value",
                "use e.g. config(\"" + directive + "\", \"value\")")) {
            return;
        }
        int control = value.codePoints().filter(Character::isISOControl).findFirst().orElse(-1);
        if (!checks.require(control < 0, field, value.replaceAll("[\\p{Cntrl}\\u0080-\\u009f]", "?"),
                "must not hold control characters (found U+" + String.format("%04X", control)
                        + "; a line break would end the directive, other ones make Redis refuse the file)",
                "write the value on one line with plain spaces")) {
            return;
        }
        List<String> tokens = tokens(value);
        if (!checks.require(tokens != null, field, value,
                "has an unbalanced quote, or a closing quote not followed by a space (Redis refuses the file)",
                "close every quote, e.g. config(\"" + directive + "\", \"\\\"a b\\\"\")")) {
            return;
        }
        Arity arity = ARITIES.getOrDefault(key, ONE);
        checks.require(arity.accepts().test(tokens.size()), field, value,
                arity.rule() + ", was given " + tokens.size() + " " + tokens
                        + " (Redis refuses the file with 'wrong number of arguments')",
                "give " + directive + " only its own value; every other directive needs its own config(..)");
    }

    /**
     * @return the tokens Redis reads from this value, or {@code null} where Redis refuses the line
     *         (unbalanced quotes, a closing quote followed by anything but a space)
     */
    static List<String> tokens(String value) {
        List<String> tokens = new ArrayList<>();
        int i = 0;
        int n = value.length();
        while (true) {
            while (i < n && value.charAt(i) == ' ') {
                i++;
            }
            if (i >= n) {
                return tokens;
            }
            StringBuilder token = new StringBuilder();
            char quote = 0;
            boolean done = false;
            while (!done) {
                if (i >= n) {
                    if (quote != 0) {
                        return null;   // unterminated quotes
                    }
                    done = true;
                } else if (quote != 0) {
                    char c = value.charAt(i);
                    if (c == '\\' && i + 1 < n && (quote == '"' || value.charAt(i + 1) == '\'')) {
                        token.append(value.charAt(i + 1));   // the escape's meaning does not matter here
                        i += 2;
                    } else if (c == quote) {
                        if (i + 1 < n && value.charAt(i + 1) != ' ') {
                            return null;   // closing quote must be followed by a space or nothing
                        }
                        i++;
                        done = true;
                    } else {
                        token.append(c);
                        i++;
                    }
                } else {
                    char c = value.charAt(i);
                    if (c == ' ') {
                        done = true;
                    } else if (c == '"' || c == '\'') {
                        quote = c;
                        i++;
                    } else {
                        token.append(c);
                        i++;
                    }
                }
            }
            tokens.add(token.toString());
        }
    }
}
