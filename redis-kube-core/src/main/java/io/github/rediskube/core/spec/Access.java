package io.github.rediskube.core.spec;

import org.jspecify.annotations.Nullable;

/**
 * Who reaches a {@link RedisReplicationSpec} and how: the Services' exposure, the password clients give and the
 * NetworkPolicy. A Redis without a password is allowed only while it is reachable from inside the cluster alone.
 *
 * @param exposure      how the Services are reachable
 * @param auth          how clients authenticate (a generated password already made)
 * @param networkAccess who may connect
 * @param exporterPassword the metrics exporter's own password (its ACL user may only read INFO and the like), made
 *                      with the generated one when metrics and auth are on; {@code null} otherwise
 */
record Access(Exposure exposure, Auth auth, NetworkAccess networkAccess, @Nullable String exporterPassword) {

    /**
     * The settings as a builder holds them, with the defaults resolved: a generated password is made (once, here),
     * network access follows the exposure unless chosen.
     */
    static Access of(Exposure exposure, Auth auth, PasswordGenerator passwordGenerator,
                     @Nullable NetworkAccess networkAccess, boolean metrics, @Nullable String exporterPassword) {
        Auth resolved = auth;
        if (auth != null && auth.kind() == Auth.Kind.GENERATED && auth.password() == null) {
            resolved = auth.withPassword(passwordGenerator.generate());
        }
        String exporter = null;
        if (metrics && auth != null && auth.enabled()) {
            exporter = exporterPassword != null ? exporterPassword : passwordGenerator.generate();
        }
        return new Access(exposure, resolved, networkAccess != null ? networkAccess : defaultAccess(exposure),
                exporter);
    }

    /** @return the network access the user chose, {@code null} when it is the exposure's default (it follows it) */
    @Nullable NetworkAccess chosenNetworkAccess() {
        return networkAccess.equals(defaultAccess(exposure)) ? null : networkAccess;
    }

    private static NetworkAccess defaultAccess(@Nullable Exposure exposure) {
        return exposure != null && exposure.outsideCluster() ? NetworkAccess.everyone() : NetworkAccess.clientsOnly();
    }

    void check(Checks checks) {
        if (SpecChecks.notNull(checks, "exposure", exposure)) {
            exposure.check(checks);
        }
        if (SpecChecks.notNull(checks, "auth", auth)) {
            auth.check(checks);
            if (exposure != null && exposure.type() != null && exposure.outsideCluster() && !auth.enabled()) {
                checks.fail("auth must be enabled when exposure is " + exposure.type()
                        + ", was disabled: a Redis without a password on a " + exposure.type().kubernetesName()
                        + " Service is open to anyone who reaches a node; keep Auth.generated() or use"
                        + " exposure(Exposure.clusterIp())");
            }
        }
        networkAccess.check(checks);
        if (exporterPassword != null) {
            checks.require(Auth.isUsablePassword(exporterPassword), "metrics exporter password",
                    "<" + exporterPassword.length() + " characters>", Auth.PASSWORD_RULE,
                    "fix the PasswordGenerator given to passwordGenerator(..)");
        }
    }

    /** The passwords are never printed. */
    @Override
    public String toString() {
        return "Access[exposure=" + exposure + ", auth=" + auth + ", networkAccess=" + networkAccess
                + (exporterPassword == null ? "" : ", exporterPassword=<hidden>") + "]";
    }
}
