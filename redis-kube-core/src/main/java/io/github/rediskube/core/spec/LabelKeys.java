package io.github.rediskube.core.spec;

/**
 * The prefix of every label and annotation key redis-kube owns ({@value #PREFIX}: the domain of the
 * {@code io.github.rediskube} group id). Keys under it sit in selectors (the Sentinel role label) and cannot
 * change after a release; users' own labels and annotations may not use it.
 */
public final class LabelKeys {

    /** The prefix of the library's own label and annotation keys. */
    public static final String PREFIX = "rediskube.github.io/";

    private LabelKeys() {
    }
}
