package dev.berth.testbed.k8s;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Calls the bed answers 403 Forbidden, as a real apiserver does when RBAC withholds a verb: the mock
 * has no authorization at all, and neither an operator's handling of a refused write nor the sufficiency
 * of a shipped role is otherwise testable. Two kinds:
 * <ul>
 *   <li><b>refusals</b> ({@link #add}): a verb on a resource in a namespace is refused to every caller
 *       until lifted;</li>
 *   <li><b>service accounts</b> ({@link #serviceAccount}): a caller whose {@code Authorization: Bearer}
 *       token names a service account gets only what its {@link RbacGrant}s allow, as RBAC's
 *       authorizer decides it (group, resource or {@code resource/subresource}, verb, the Role's
 *       namespace, {@code resourceNames}, which never match a create or a list). Every refusal is
 *       recorded, and every verb and resource allowed (what a role grants and nobody uses is then
 *       visible). Callers without a token (the tests' own clients) are not authorized at all.</li>
 * </ul>
 *
 * <p>The HTTP method and path give the verb as the apiserver derives it: POST {@code create}, PUT
 * {@code update}, PATCH {@code patch}, DELETE {@code delete} (on a collection {@code deletecollection}),
 * GET {@code get} (on a collection {@code list}, with {@code ?watch=true} {@code watch}). Paths that
 * are not resources (discovery, {@code /version}) are allowed, as the default {@code system:discovery}
 * role allows them. The answer is a Status with reason {@code Forbidden} and the apiserver's wording,
 * e.g. {@code pods "demo-broker-0" is forbidden: User "system:serviceaccount:test:bed" cannot delete
 * resource "pods" in API group "" in the namespace "kafka"} (a call on a collection names no object:
 * {@code pods is forbidden: ...}; a resource of a named group is qualified by it: {@code
 * kafkaclusters.berth.dev "demo" is forbidden: ...}).
 */
final class RbacRefusals {
    /** The user a refusal to a caller without a token names. */
    static final String USER = "system:serviceaccount:test:bed";

    private record Rule(String verb, String resource, String namespace) {}

    private record Account(String user, List<RbacGrant> grants, List<String> refused, Set<String> allowed) {}

    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final Map<String, Account> accounts = new ConcurrentHashMap<>();

    /** Refuses {@code verb} on {@code resource} in {@code namespace} (null: every namespace) until the handle is closed. */
    AutoCloseable add(String verb, String resource, String namespace) {
        Rule r = new Rule(verb, resource, namespace);
        rules.add(r);
        return () -> rules.remove(r);
    }

    /** What a service account was refused ({@code verb resource namespace/name}) and allowed ({@code verb resource}). */
    record Record(List<String> refused, Set<String> allowed) {}

    /** Registers a service account; calls with {@code Authorization: Bearer <token>} are its own. */
    Record serviceAccount(String token, String namespace, String name, List<RbacGrant> grants) {
        Account a = new Account("system:serviceaccount:" + namespace + ":" + name, List.copyOf(grants),
                new CopyOnWriteArrayList<>(), ConcurrentHashMap.newKeySet());
        accounts.put(token, a);
        return new Record(a.refused(), a.allowed());
    }

    /** The 403 body for this call, or empty when it may go ahead. */
    Optional<byte[]> refusal(String method, String path, boolean watch, String authorization) {
        Account account = authorization != null && authorization.startsWith("Bearer ")
                ? accounts.get(authorization.substring("Bearer ".length())) : null;
        if (rules.isEmpty() && account == null) {
            return Optional.empty();
        }
        Optional<ResourcePaths.Target> parsed = ResourcePaths.parse(path);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        ResourcePaths.Target t = parsed.get();
        String verb = verb(method, t.name() != null, watch);
        String resource = t.subresource() == null ? t.plural() : t.plural() + "/" + t.subresource();
        boolean refused = rules.stream().anyMatch(r -> r.verb().equals(verb) && r.resource().equals(resource)
                && (r.namespace() == null || r.namespace().equals(t.namespace())));
        if (!refused && account != null) {
            refused = account.grants().stream().noneMatch(g -> g.allows(t.group(), resource, verb, t.namespace(), t.name()));
            if (!refused) {
                account.allowed().add(verb + " " + resource);
            } else {
                account.refused().add(verb + " " + resource + " " + (t.namespace() == null ? "" : t.namespace() + "/")
                        + (t.name() == null ? "" : t.name()));
            }
        }
        if (!refused) {
            return Optional.empty();
        }
        // the apiserver names the resource with its group, as GroupResource prints it: leases.coordination.k8s.io
        String qualified = t.group().isEmpty() ? t.plural() : t.plural() + "." + t.group();
        String subject = t.name() == null ? qualified : qualified + " \"" + t.name() + "\"";
        String message = subject + " is forbidden: User \"" + (account == null ? USER : account.user()) + "\" cannot "
                + verb + " resource \"" + resource + "\" in API group \"" + t.group() + "\""
                + (t.namespace() == null ? " at the cluster scope" : " in the namespace \"" + t.namespace() + "\"");
        return Optional.of(ApiStatus.failure(403, "Forbidden", message, t.plural(), t.name()));
    }

    static String verb(String method, boolean named, boolean watch) {
        return switch (method.toUpperCase(Locale.ROOT)) {
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> watch ? "watch" : named ? "get" : "list";
        };
    }
}
