package io.github.rediskube.core.spec;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The volume of each pod in {@link Mode#STORAGE} mode: one PersistentVolumeClaim per pod.
 *
 * <pre>{@code
 * RedisKube.replication("orders").storage(s -> s.size("20Gi").storageClass("fast-ssd")).build();
 * }</pre>
 *
 * @param size                  requested size, a Kubernetes quantity such as {@code "10Gi"}
 * @param storageClass          StorageClass name, or {@code null} for the cluster's default
 * @param accessMode            {@code ReadWriteOnce} (default) or {@code ReadWriteOncePod}
 * @param deleteVolumesOnDelete whether deleting the deployment deletes its claims (default: kept)
 */
public record Storage(String size, @Nullable String storageClass, String accessMode, boolean deleteVolumesOnDelete) {

    /** Volume size when none is set. */
    public static final String DEFAULT_SIZE = "1Gi";
    /** Access mode when none is set. */
    public static final String DEFAULT_ACCESS_MODE = "ReadWriteOnce";
    /** The defaults: 1Gi, the default StorageClass, ReadWriteOnce, volumes kept on delete. */
    public static final Storage DEFAULT = new Storage(DEFAULT_SIZE, null, DEFAULT_ACCESS_MODE, false);

    private static final Set<String> ACCESS_MODES = Set.of("ReadWriteOnce", "ReadWriteOncePod");

    /** @return a builder starting from {@link #DEFAULT} */
    public static Builder builder() {
        return DEFAULT.toBuilder();
    }

    /** @return a builder holding this value's fields */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * @param newSize the new size
     * @return a copy of this storage with another size
     */
    public Storage withSize(String newSize) {
        return new Storage(newSize, storageClass, accessMode, deleteVolumesOnDelete);
    }

    void check(Checks checks) {
        QuantityBounds.VOLUME.checkRequired(checks, "storage.size", size, "use e.g. size(\"10Gi\")");
        if (storageClass != null) {
            checks.require(Names.isDnsSubdomain(storageClass), "storage.storageClass", storageClass,
                    "must be a DNS-1123 subdomain", "use the name of a StorageClass, or null for the default one");
        }
        checks.require(accessMode != null && ACCESS_MODES.contains(accessMode), "storage.accessMode", accessMode,
                "must be one of " + ACCESS_MODES.stream().sorted().toList()
                        + " (each pod owns its volume; ReadWriteMany/ReadOnlyMany make no sense for Redis)",
                "use accessMode(\"ReadWriteOnce\")");
    }

    /** Builds {@link Storage}; every setter returns this builder. */
    public static final class Builder {
        private String size;
        private @Nullable String storageClass;
        private String accessMode;
        private boolean deleteVolumesOnDelete;

        private Builder(Storage from) {
            this.size = from.size;
            this.storageClass = from.storageClass;
            this.accessMode = from.accessMode;
            this.deleteVolumesOnDelete = from.deleteVolumesOnDelete;
        }

        /**
         * @param quantity requested size, e.g. {@code "10Gi"}
         * @return this builder
         */
        public Builder size(String quantity) {
            this.size = quantity;
            return this;
        }

        /**
         * @param name StorageClass name; {@code null} for the cluster's default
         * @return this builder
         */
        public Builder storageClass(@Nullable String name) {
            this.storageClass = name;
            return this;
        }

        /**
         * @param mode {@code ReadWriteOnce} or {@code ReadWriteOncePod}
         * @return this builder
         */
        public Builder accessMode(String mode) {
            this.accessMode = mode;
            return this;
        }

        /**
         * @param delete whether deleting the deployment also deletes its volumes
         * @return this builder
         */
        public Builder deleteVolumesOnDelete(boolean delete) {
            this.deleteVolumesOnDelete = delete;
            return this;
        }

        /** @return the storage; it is validated with the spec that holds it */
        public Storage build() {
            return new Storage(size, storageClass, accessMode, deleteVolumesOnDelete);
        }
    }
}
