package io.github.rediskube.core.spec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Who may open connections to the Redis pods, rendered as a NetworkPolicy. The deployment's own pods
 * always reach each other (replication). Pods in the deployment's namespace labelled
 * {@code rediskube.github.io/client-of: <name>} are its clients.
 *
 * <pre>{@code
 * NetworkAccess.clientsOnly();                          // default inside the cluster
 * NetworkAccess.clientsOnly().withNamespaces("ops");    // plus every pod of namespace "ops"
 * NetworkAccess.everyone();                             // default when exposed outside the cluster
 * }</pre>
 *
 * @param allowAll   whether any source may connect (auth still applies)
 * @param namespaces namespaces all of whose pods may connect
 * @param cidrs      IP blocks that may connect (e.g. a NodePort's clients)
 */
public record NetworkAccess(boolean allowAll, List<String> namespaces, List<String> cidrs) {

    /** Label that marks a pod as a client of deployment {@code <name>}: {@code <key>: <name>}. */
    public static final String CLIENT_LABEL = LabelKeys.PREFIX + "client-of";

    /**
     * Copies the lists.
     *
     * @param allowAll whether any source may connect (auth still applies)
     * @param namespaces namespaces all of whose pods may connect
     * @param cidrs IP blocks that may connect (e.g. a NodePort's clients)
     */
    public NetworkAccess {
        namespaces = List.copyOf(Checks.requireElements(namespaces, "networkAccess.namespaces",
                "name namespaces, or pass List.of() for none"));
        cidrs = List.copyOf(Checks.requireElements(cidrs, "networkAccess.cidrs",
                "give CIDR blocks such as \"10.0.0.0/8\", or List.of() for none"));
    }

    /** @return access for this deployment's pods and its labelled clients only */
    public static NetworkAccess clientsOnly() {
        return new NetworkAccess(false, List.of(), List.of());
    }

    /** @return access for any source; Redis auth still applies */
    public static NetworkAccess everyone() {
        return new NetworkAccess(true, List.of(), List.of());
    }

    /**
     * @param more namespaces whose pods may also connect
     * @return a copy that also admits every pod of these namespaces
     */
    public NetworkAccess withNamespaces(String... more) {
        List<String> all = new ArrayList<>(namespaces);
        all.addAll(Arrays.asList(Checks.requireArgument(more, "namespaces", "use e.g. withNamespaces(\"ops\")")));
        return new NetworkAccess(allowAll, all, cidrs);
    }

    /**
     * @param more CIDR blocks such as {@code "10.0.0.0/8"}
     * @return a copy that also admits these IP blocks
     */
    public NetworkAccess withCidrs(String... more) {
        List<String> all = new ArrayList<>(cidrs);
        all.addAll(Arrays.asList(Checks.requireArgument(more, "cidrs", "use e.g. withCidrs(\"10.0.0.0/8\")")));
        return new NetworkAccess(allowAll, namespaces, all);
    }

    void check(Checks checks) {
        for (String namespace : namespaces) {
            checks.require(Names.isDnsLabel(namespace), "networkAccess.namespaces", namespace,
                    "must hold namespace names (DNS-1123 labels)", "use e.g. withNamespaces(\"ops\")");
        }
        for (String cidr : cidrs) {
            checks.require(isCidr(cidr), "networkAccess.cidrs", cidr, "must hold CIDR blocks",
                    "use e.g. withCidrs(\"10.0.0.0/8\") or withCidrs(\"fd00::/8\")");
        }
    }

    private static boolean isCidr(String cidr) {
        if (cidr == null) {
            return false;
        }
        String[] parts = cidr.split("/", -1);
        if (parts.length != 2 || !parts[1].matches("\\d{1,3}")) {
            return false;
        }
        int bits = Integer.parseInt(parts[1]);
        if (parts[0].matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            for (String octet : parts[0].split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return false;
                }
            }
            return bits <= 32;
        }
        return parts[0].matches("[0-9a-fA-F:]+") && parts[0].contains(":") && bits <= 128;
    }
}
