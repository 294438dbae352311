package io.github.rediskube.core.deploy;

import java.time.Duration;

/**
 * How {@link RedisDeployment} talks to the API server.
 *
 * <pre>{@code
 * DeployOptions.DEFAULT;                                   // server-side apply, field manager "redis-kube"
 * DeployOptions.DEFAULT.withStrategy(ApplyStrategy.CREATE_OR_UPDATE)   // API servers without SSA (mocks)
 *                      .withCreateNamespace(true);
 * }</pre>
 *
 * @param strategy        how objects are written
 * @param forceConflicts  with server-side apply: take over fields another manager owns ({@code true}),
 *                        or fail with a {@code CONFLICT} naming them ({@code false}, default)
 * @param createNamespace whether to create the namespace when it is missing
 * @param deleteTimeout   how long {@link RedisDeployment#delete()} waits for the objects to be gone
 */
public record DeployOptions(ApplyStrategy strategy, boolean forceConflicts, boolean createNamespace,
                            Duration deleteTimeout) {

    /** The field manager of every server-side apply. */
    public static final String FIELD_MANAGER = "redis-kube";

    /** Server-side apply, conflicts fail, namespace must exist, 2 minutes to delete. */
    public static final DeployOptions DEFAULT =
            new DeployOptions(ApplyStrategy.SERVER_SIDE_APPLY, false, false, Duration.ofMinutes(2));

    /** Checks the fields. */
    public DeployOptions {
        if (strategy == null) {
            throw new IllegalArgumentException("strategy is required, was null: use ApplyStrategy.SERVER_SIDE_APPLY");
        }
        if (deleteTimeout == null || deleteTimeout.isNegative() || deleteTimeout.isZero()) {
            throw new IllegalArgumentException("deleteTimeout must be positive, was " + deleteTimeout
                    + ": use e.g. Duration.ofMinutes(2)");
        }
    }

    /** How objects are written. */
    public enum ApplyStrategy {
        /** PATCH with server-side apply (field manager {@value DeployOptions#FIELD_MANAGER}). */
        SERVER_SIDE_APPLY,
        /** Create missing objects, update changed ones (for API servers without server-side apply). */
        CREATE_OR_UPDATE
    }

    /** @return a copy with this strategy */
    public DeployOptions withStrategy(ApplyStrategy value) {
        return new DeployOptions(value, forceConflicts, createNamespace, deleteTimeout);
    }

    /** @return a copy that does or does not take over conflicting fields */
    public DeployOptions withForceConflicts(boolean value) {
        return new DeployOptions(strategy, value, createNamespace, deleteTimeout);
    }

    /** @return a copy that does or does not create a missing namespace */
    public DeployOptions withCreateNamespace(boolean value) {
        return new DeployOptions(strategy, forceConflicts, value, deleteTimeout);
    }

    /** @return a copy with another deletion bound */
    public DeployOptions withDeleteTimeout(Duration value) {
        return new DeployOptions(strategy, forceConflicts, createNamespace, value);
    }
}
