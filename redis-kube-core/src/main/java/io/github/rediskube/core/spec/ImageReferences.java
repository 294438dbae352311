package io.github.rediskube.core.spec;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The grammar of a container image reference, as the kubelet's runtime parses it (the Docker/OCI
 * {@code distribution/reference} grammar): {@code [host[:port]/]path[:tag][@algorithm:hex]}, path components
 * lower-case, the tag {@code [\w][\w.-]{0,127}}, a digest of a known algorithm with hex digits of its length.
 * A malformed reference would render, then leave every pod in {@code InvalidImageName}.
 */
final class ImageReferences {

    private static final String PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final String HOST = "(?:" + DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*"
            + "|\\[[a-fA-F0-9:]+\\])";
    private static final String NAME = "(?:" + HOST + "(?::[0-9]+)?/)?" + PATH_COMPONENT + "(?:/" + PATH_COMPONENT
            + ")*";
    private static final Pattern NAME_AND_TAG = Pattern.compile("(" + NAME + ")(?::[\\w][\\w.-]{0,127})?");
    /** Hex digits of each digest algorithm the runtimes know. */
    private static final Map<String, Integer> DIGEST_LENGTHS = Map.of("sha256", 64, "sha384", 96, "sha512", 128);
    private static final int MAX_NAME_LENGTH = 255;

    /** What a fix may look like. */
    static final String GRAMMAR = "[registry[:port]/]path[:tag][@sha256:<64 hex digits>], path components in"
            + " lower-case letters, digits and '.', '_', '-'; a tag of at most 128 letters, digits, '_', '.', '-'";

    private ImageReferences() {
    }

    /** Checks one image field ({@code image}, {@code sentinel.labelerImage}). */
    static void check(Checks checks, String field, String reference, String example) {
        String rule = problem(reference);
        checks.require(rule == null, field, reference, rule, "use e.g. " + example);
    }

    /** @return the rule a reference breaks, or {@code null} when it is well-formed */
    static String problem(String reference) {
        if (reference == null || reference.isBlank()) {
            return "must be a non-empty image reference";
        }
        if (!reference.chars().allMatch(c -> c > ' ' && c < 127)) {
            return "must be an image reference without whitespace or control characters";
        }
        String nameAndTag = reference;
        int at = reference.indexOf('@');
        if (at >= 0) {
            String digest = reference.substring(at + 1);
            nameAndTag = reference.substring(0, at);
            int colon = digest.indexOf(':');
            Integer length = colon < 0 ? null : DIGEST_LENGTHS.get(digest.substring(0, colon));
            if (length == null || !digest.substring(colon + 1).matches("[a-f0-9]{" + length + "}")) {
                return "must end in a digest sha256:<64 lower-case hex digits> (or sha384:<96>, sha512:<128>)"
                        + " after '@'";
            }
        }
        var matcher = NAME_AND_TAG.matcher(nameAndTag);
        if (!matcher.matches()) {
            boolean lowerCaseFixes = NAME_AND_TAG.matcher(lowerCasePath(nameAndTag)).matches();
            return lowerCaseFixes ? "must name a lower-case repository path (" + GRAMMAR + ")"
                    : "must be an image reference " + GRAMMAR;
        }
        if (matcher.group(1).length() > MAX_NAME_LENGTH) {
            return "must have a repository name of at most " + MAX_NAME_LENGTH + " characters";
        }
        return null;
    }

    /** The reference with its path (not its registry host or tag) in lower case. */
    private static String lowerCasePath(String nameAndTag) {
        int slash = nameAndTag.indexOf('/');
        int tag = nameAndTag.lastIndexOf(':');
        String host = slash >= 0 && nameAndTag.substring(0, slash).matches(".*[.:].*|localhost")
                ? nameAndTag.substring(0, slash + 1) : "";
        int pathEnd = tag > nameAndTag.lastIndexOf('/') ? tag : nameAndTag.length();
        return host + nameAndTag.substring(host.length(), pathEnd).toLowerCase(Locale.ROOT)
                + nameAndTag.substring(pathEnd);
    }
}
