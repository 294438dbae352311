package io.github.rediskube.core.spec;

import java.util.Locale;

/** The role a Redis pod is rendered with. */
public enum Role {
    /** The single pod that takes writes. */
    MASTER,
    /** Pods that replicate from the master and serve reads. */
    REPLICA;

    /**
     * The role's value in the {@code app.kubernetes.io/component} label and in object names.
     *
     * @return {@code "master"} or {@code "replica"}
     */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
