package io.github.rediskube.core.spec;

/**
 * What a deployment is for: a disposable cache or a store whose data must survive pod restarts.
 */
public enum Mode {
    /**
     * No RDB snapshots, no AOF, data on {@code emptyDir}: created in seconds, data lost with its pod.
     * Eviction defaults to {@code allkeys-lru}. (Burning it after use is the handle's choice, not the mode's:
     * {@code DeployOptions.withEphemeral(true)}.)
     */
    CACHE,
    /**
     * A PersistentVolumeClaim per pod, AOF ({@code appendfsync everysec}) plus RDB snapshots.
     * Eviction defaults to {@code noeviction}; volumes are kept when the deployment is deleted
     * unless {@link Storage#deleteVolumesOnDelete()} says otherwise.
     */
    STORAGE
}
