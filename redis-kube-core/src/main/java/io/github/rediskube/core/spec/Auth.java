package io.github.rediskube.core.spec;

import org.jspecify.annotations.Nullable;

/**
 * How clients and replicas authenticate. On by default: a password is generated into a Secret
 * the deployment owns. Turning auth off is only allowed while the deployment is reachable from inside
 * the cluster alone: an unauthenticated Redis on a NodePort or LoadBalancer is an open Redis.
 *
 * <pre>{@code
 * Auth.generated();                           // default: Secret "<name>-auth", key "password"
 * Auth.fromSecret("orders-redis", "pass");    // a Secret you manage
 * Auth.disabled();                            // no password (ClusterIP only)
 * }</pre>
 *
 * @param kind       where the password comes from
 * @param secretName the Secret that holds it ({@code null} for generated: the deployment's own)
 * @param secretKey  the key in that Secret ({@code null} for generated: {@value #DEFAULT_KEY})
 * @param password   the generated password (only for {@link Kind#GENERATED}, set by the spec's builder)
 */
public record Auth(Kind kind, @Nullable String secretName, @Nullable String secretKey, @Nullable String password) {

    /** Key of the password in a generated Secret. */
    public static final String DEFAULT_KEY = "password";

    /** Where the password comes from. */
    public enum Kind {
        /** Generated when the spec is built, rendered into a Secret of the deployment. */
        GENERATED,
        /** Read from a Secret that exists already; nothing is rendered for it. */
        EXISTING_SECRET,
        /** No password. */
        DISABLED
    }

    /** @return generated auth (the default) */
    public static Auth generated() {
        return new Auth(Kind.GENERATED, null, null, null);
    }

    /**
     * @param secretName a Secret in the deployment's namespace
     * @param key        the key of the password in it
     * @return auth that reads the password from an existing Secret
     */
    public static Auth fromSecret(String secretName, String key) {
        return new Auth(Kind.EXISTING_SECRET, secretName, key, null);
    }

    /** @return no auth; refused together with exposure outside the cluster */
    public static Auth disabled() {
        return new Auth(Kind.DISABLED, null, null, null);
    }

    /**
     * The password as Redis uses it, from the value stored in a Secret. The one rule that the pods' scripts
     * ({@code password.sh}) apply too: exactly one trailing newline ({@code "\n"} or {@code "\r\n"}, which
     * {@code kubectl create secret --from-file} keeps from the file) is stripped; any other control character
     * is refused.
     *
     * @param stored the Secret's value, decoded
     * @return the password without the one trailing newline; {@code null} for {@code null}
     * @throws IllegalArgumentException when the rest is empty or holds a control character; the message
     *                                  names its position and length, never the password
     */
    public static @Nullable String secretPassword(@Nullable String stored) {
        if (stored == null) {
            return null;
        }
        String password = stored.endsWith("\r\n") ? stored.substring(0, stored.length() - 2)
                : stored.endsWith("\n") ? stored.substring(0, stored.length() - 1) : stored;
        int bad = -1;
        for (int i = 0; i < password.length() && bad < 0; i++) {
            if (Character.isISOControl(password.charAt(i))) {
                bad = i;
            }
        }
        if (bad >= 0 || password.isEmpty()) {
            throw new IllegalArgumentException("the password in the Secret (" + password.length() + " characters) "
                    + (password.isEmpty() ? "is empty" : "holds a control character at position " + bad)
                    + " besides one trailing newline, which the pods refuse too: store it without, e.g."
                    + " kubectl create secret generic NAME --from-literal=KEY=PASSWORD");
        }
        return password;
    }

    /** @return whether clients must authenticate */
    public boolean enabled() {
        return kind != Kind.DISABLED;
    }

    /**
     * @param newPassword the password
     * @return a copy holding this password
     */
    Auth withPassword(@Nullable String newPassword) {
        return new Auth(kind, secretName, secretKey, newPassword);
    }

    void check(Checks checks) {
        if (!checks.require(kind != null, "auth.kind", null, "is required", "use Auth.generated()")) {
            return;
        }
        switch (kind) {
            case GENERATED -> checks.require(isUsablePassword(password), "auth.password", password == null ? null : "<"
                            + password.length() + " characters>",
                    PASSWORD_RULE,
                    "fix the PasswordGenerator given to passwordGenerator(..)");
            case EXISTING_SECRET -> {
                checks.require(Names.isDnsSubdomain(secretName), "auth.secretName", secretName,
                        "must name a Secret (DNS-1123 subdomain)", "use Auth.fromSecret(\"my-secret\", \"password\")");
                checks.require(secretKey != null && secretKey.matches("[-._a-zA-Z0-9]{1,253}"), "auth.secretKey",
                        secretKey, "must be a Secret data key ([-._a-zA-Z0-9]+)",
                        "use Auth.fromSecret(\"my-secret\", \"password\")");
            }
            case DISABLED -> { }
        }
    }

    /** The rule every password redis-kube writes keeps (the scripts quote it into Redis and Sentinel configs). */
    public static final String PASSWORD_RULE =
            "must be 16 to 512 printable ASCII characters without space, quote or backslash";

    /**
     * @param password a candidate password
     * @return whether it keeps {@link #PASSWORD_RULE}
     */
    public static boolean isUsablePassword(@Nullable String password) {
        return password != null && password.length() >= 16 && password.length() <= 512
                && password.chars().allMatch(c -> c > 32 && c < 127 && c != '"' && c != '\'' && c != '\\');
    }

    /** The password is never printed. */
    @Override
    public String toString() {
        return "Auth[kind=" + kind + ", secretName=" + secretName + ", secretKey=" + secretKey
                + (password == null ? "" : ", password=<hidden>") + "]";
    }
}
