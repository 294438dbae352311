package io.github.rediskube.core.deploy;

import java.time.Duration;

/**
 * How {@link RedisDeployment} talks to the API server, and what its handle's {@code close()} does.
 *
 * <pre>{@code
 * DeployOptions.DEFAULT;                                   // server-side apply, field manager "redis-kube"
 * DeployOptions.DEFAULT.withStrategy(ApplyStrategy.CREATE_OR_UPDATE)   // API servers without SSA (mocks)
 *                      .withCreateNamespace(true);
 * DeployOptions.DEFAULT.withEphemeral(true);               // burn after use: close() deletes it all
 * DeployOptions.DEFAULT.withPasswordFileRefresh(Duration.ofMinutes(5));   // kubelets with a longer sync period
 * }</pre>
 *
 * @param strategy        how objects are written
 * @param forceConflicts  with server-side apply: take over fields another manager owns ({@code true}),
 *                        or fail with a {@code CONFLICT} naming them ({@code false}, default)
 * @param createNamespace whether to create the namespace when it is missing
 * @param deleteTimeout   how long {@link RedisDeployment#delete()} waits for the objects to be gone
 * @param adoptExisting   whether to take over objects that exist under the names redis-kube renders but are
 *                        not redis-kube's (no {@code app.kubernetes.io/managed-by: redis-kube}, or another
 *                        instance): written as rendered (under server-side apply, fields only their former
 *                        manager set stay), then deleted with the deployment ({@code true});
 *                        or refuse the deploy, before writing anything, with a {@code CONFLICT} naming them
 *                        ({@code false}, default)
 * @param ephemeral       burn after use: {@link RedisDeployment#close()} deletes the deployment with its
 *                        volumes ({@code true}); or close releases only what the handle opened and the
 *                        deployment keeps running ({@code false}, default)
 * @param passwordFileRefresh how long {@link RedisDeployment#storePassword} waits after writing the Secret,
 *                        before it returns and a rotation retires the old password: the time every kubelet may
 *                        take to refresh the pods' mounted password file ({@link #DEFAULT_PASSWORD_FILE_REFRESH});
 *                        zero or more
 */
public record DeployOptions(ApplyStrategy strategy, boolean forceConflicts, boolean createNamespace,
                            Duration deleteTimeout, boolean adoptExisting, boolean ephemeral,
                            Duration passwordFileRefresh) {

    /** The field manager of every server-side apply. */
    public static final String FIELD_MANAGER = "redis-kube";

    /**
     * How long a kubelet with default settings may take to write a changed Secret into the volumes of the pods
     * that mount it: it refreshes a pod's volumes when it syncs the pod, every {@code syncFrequency} (1 minute
     * by default) stretched by its pod workers' jitter (up to 1.5 times, so 90 s), with the Secret taken from
     * its cache (the default {@code Watch} strategy is current within seconds). 2 minutes leave a margin. The
     * kubelet reports no such refresh anywhere an API client can see, hence a bound rather than a check; raise
     * it for kubelets with a longer {@code syncFrequency} or the {@code Cache} strategy (add the node's TTL).
     */
    public static final Duration DEFAULT_PASSWORD_FILE_REFRESH = Duration.ofMinutes(2);

    /**
     * Server-side apply, conflicts fail, namespace must exist, 2 minutes to delete, other people's objects
     * refused, kept on close, 2 minutes for the kubelets to refresh a stored password's file.
     */
    public static final DeployOptions DEFAULT = new DeployOptions(ApplyStrategy.SERVER_SIDE_APPLY, false, false,
            Duration.ofMinutes(2), false, false, DEFAULT_PASSWORD_FILE_REFRESH);

    /**
     * Checks the fields.
     *
     * @param strategy how objects are written
     * @param forceConflicts with server-side apply: take over fields another manager owns ({@code true}), or fail with
     *                       a {@code CONFLICT} naming them ({@code false}, default)
     * @param createNamespace whether to create the namespace when it is missing
     * @param deleteTimeout how long {@link RedisDeployment#delete()} waits for the objects to be gone
     * @param adoptExisting whether to take over objects that exist under the names redis-kube renders but are not
     *                      redis-kube's (no {@code app.kubernetes.io/managed-by: redis-kube}, or another instance):
     *                      written as rendered (under server-side apply, fields only their former manager set stay),
     *                      then deleted with the deployment ({@code true}); or refuse the deploy, before writing
     *                      anything, with a {@code CONFLICT} naming them ({@code false}, default)
     * @param ephemeral burn after use: {@link RedisDeployment#close()} deletes the deployment with its volumes
     *                  ({@code true}); or close releases only what the handle opened and the deployment keeps running
     *                  ({@code false}, default)
     * @param passwordFileRefresh how long {@link RedisDeployment#storePassword} waits for the kubelets to refresh
     *                            the pods' password file, zero or more
     */
    public DeployOptions {
        if (strategy == null) {
            throw new IllegalArgumentException("strategy is required, was null: use ApplyStrategy.SERVER_SIDE_APPLY");
        }
        if (deleteTimeout == null || deleteTimeout.isNegative() || deleteTimeout.isZero()) {
            throw new IllegalArgumentException("deleteTimeout must be positive, was " + deleteTimeout
                    + ": use e.g. Duration.ofMinutes(2)");
        }
        if (passwordFileRefresh == null || passwordFileRefresh.isNegative()) {
            throw new IllegalArgumentException("passwordFileRefresh must be zero or more, was " + passwordFileRefresh
                    + ": use DeployOptions.DEFAULT_PASSWORD_FILE_REFRESH, or the kubelets' syncFrequency x 1.5 plus a margin");
        }
    }

    /** How objects are written. */
    public enum ApplyStrategy {
        /** PATCH with server-side apply (field manager {@value DeployOptions#FIELD_MANAGER}). */
        SERVER_SIDE_APPLY,
        /** Create missing objects, update changed ones (for API servers without server-side apply). */
        CREATE_OR_UPDATE
    }

    /**
     * @param value how objects are written
     * @return a copy with this strategy
     */
    public DeployOptions withStrategy(ApplyStrategy value) {
        return new DeployOptions(value, forceConflicts, createNamespace, deleteTimeout, adoptExisting, ephemeral,
                passwordFileRefresh);
    }

    /**
     * @param value whether server-side apply takes over fields another manager owns
     * @return a copy that does or does not take over conflicting fields
     */
    public DeployOptions withForceConflicts(boolean value) {
        return new DeployOptions(strategy, value, createNamespace, deleteTimeout, adoptExisting, ephemeral,
                passwordFileRefresh);
    }

    /**
     * @param value whether a missing namespace is created
     * @return a copy that does or does not create a missing namespace
     */
    public DeployOptions withCreateNamespace(boolean value) {
        return new DeployOptions(strategy, forceConflicts, value, deleteTimeout, adoptExisting, ephemeral,
                passwordFileRefresh);
    }

    /**
     * @param value how long {@link RedisDeployment#delete()} waits for the objects to be gone, positive
     * @return a copy with another deletion bound
     */
    public DeployOptions withDeleteTimeout(Duration value) {
        return new DeployOptions(strategy, forceConflicts, createNamespace, value, adoptExisting, ephemeral,
                passwordFileRefresh);
    }

    /**
     * @param value whether to take over objects that exist under rendered names but are not redis-kube's
     * @return a copy that does or does not adopt them (see {@link #adoptExisting()})
     */
    public DeployOptions withAdoptExisting(boolean value) {
        return new DeployOptions(strategy, forceConflicts, createNamespace, deleteTimeout, value, ephemeral,
                passwordFileRefresh);
    }

    /**
     * @param value whether {@link RedisDeployment#close()} deletes the deployment, volumes included
     * @return a copy that does or does not burn the deployment after use (see {@link #ephemeral()})
     */
    public DeployOptions withEphemeral(boolean value) {
        return new DeployOptions(strategy, forceConflicts, createNamespace, deleteTimeout, adoptExisting, value,
                passwordFileRefresh);
    }

    /**
     * @param value how long {@link RedisDeployment#storePassword} waits for the kubelets to refresh the pods'
     *              password file before a rotation retires the old password, zero or more (zero: pods that do not
     *              see the new password yet fail their probes once the old one is retired)
     * @return a copy with another bound (see {@link #DEFAULT_PASSWORD_FILE_REFRESH})
     */
    public DeployOptions withPasswordFileRefresh(Duration value) {
        return new DeployOptions(strategy, forceConflicts, createNamespace, deleteTimeout, adoptExisting, ephemeral,
                value);
    }
}
