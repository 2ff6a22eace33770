package dev.berth.operator.api;

import dev.berth.operator.api.SpecValidator.Problem;
import dev.berth.operator.api.SpecValidator.Reason;
import io.kubernetes.client.custom.Quantity;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The spec's values that berth copies into pods, checked as the API server will check the pods.
 *
 * <p><b>Goal:</b> a value the API server refuses is a {@code SpecValid=False} condition before anything
 * changes, never a roll that deletes a pod and then cannot create it again. A broker or controller
 * deleted for a restart stays down until a person fixes the spec: the API server answers the new pod
 * with 422, and {@code ApplyFailed} holds every step. <b>Constraints:</b> only what the pod's own
 * validation refuses for certain, so that no spec Kubernetes takes is refused here.
 *
 * <p><b>Rules</b> (Kubernetes' pod validation, {@code ValidatePodSpec}):
 * <ul>
 *   <li>a resource name is {@code cpu}, {@code memory}, {@code ephemeral-storage}, {@code hugepages-<size>}
 *       or a name with a domain ({@code nvidia.com/gpu}); a quantity is not negative; a request is at most
 *       its limit when both are set ({@link Reason#InvalidQuantity});
 *   <li>the image has no blank around it; the scheduler name is a lowercase DNS subdomain; the rack label,
 *       the controllers' spread key, is a qualified label key ({@link Reason#InvalidPodField});
 *   <li>Kafka 3.9 or later: berth's controllers advertise their listener ({@code advertised.listeners}),
 *       which Kafka before 3.9 refuses on a controller, so every controller would crash-loop
 *       ({@link Reason#UnsupportedKafkaVersion}). A scale-down needs 4.0 (it asks Kafka for fenced brokers,
 *       DescribeCluster v2): the scale-down step refuses it on 3.9, and everything else runs.
 * </ul>
 *
 * <p><b>Example:</b> requests {@code memory: 8Gi}, limits {@code memory: 4Gi} gives {@code InvalidQuantity}
 * "spec.brokers.resources.requests.memory is 8Gi, above its limit 4Gi; Kubernetes refuses such a pod: raise
 * the limit or lower the request".
 */
final class PodFields {
    private PodFields() {}

    private static final Pattern STANDARD_RESOURCE = Pattern.compile("cpu|memory|ephemeral-storage|hugepages-.+");
    /** A DNS-1123 subdomain: lowercase labels joined by dots, at most 253 characters. */
    private static final Pattern SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    /** The name part of a qualified name: at most 63 characters. */
    private static final Pattern NAME_PART = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    private static final Pattern VERSION = Pattern.compile("([0-9]+)\\.([0-9]+)(\\..*)?");

    static void check(List<Problem> out, KafkaClusterSpec spec) {
        checkResources(out, "spec.brokers.resources", spec.brokers().resources());
        checkResources(out, "spec.controllers.resources", spec.controllers().resources());
        String image = spec.image();
        if (!image.equals(image.strip())) {
            out.add(new Problem(Reason.InvalidPodField, "spec.image is \"" + image + "\", with blanks around it,"
                    + " which Kubernetes refuses in a pod; remove them"));
        }
        String scheduler = spec.placement().schedulerName();
        if (!subdomain(scheduler)) {
            out.add(new Problem(Reason.InvalidPodField, "spec.placement.schedulerName is \"" + scheduler + "\" but a"
                    + " scheduler name is a lowercase DNS subdomain (letters, digits, '-' and '.'), such as "
                    + PlacementSpec.DEFAULT_SCHEDULER));
        }
        String rack = spec.placement().rackLabel();
        if (!qualifiedName(rack)) {
            out.add(new Problem(Reason.InvalidPodField, "spec.placement.rackLabel is \"" + rack + "\" but a label key"
                    + " is an optional DNS subdomain and '/' before a name of at most 63 letters, digits, '-', '_' and"
                    + " '.', such as " + PlacementSpec.DEFAULT_RACK_LABEL));
        }
        var v = VERSION.matcher(spec.kafkaVersion());
        if (v.matches() && (Integer.parseInt(v.group(1)) < 3
                || Integer.parseInt(v.group(1)) == 3 && Integer.parseInt(v.group(2)) < 9)) {
            out.add(new Problem(Reason.UnsupportedKafkaVersion, "spec.kafkaVersion is " + spec.kafkaVersion()
                    + " but berth runs Kafka 3.9 or later (its controllers advertise their listener, which Kafka before"
                    + " 3.9 refuses); use 3.9.0 or later"));
        }
    }

    private static void checkResources(List<Problem> out, String field, ResourcesSpec r) {
        checkSide(out, field + ".requests.", r.requests());
        checkSide(out, field + ".limits.", r.limits());
        r.requests().forEach((name, value) -> {
            BigDecimal request = amount(value);
            BigDecimal limit = amount(r.limits().get(name));
            if (request != null && limit != null && request.compareTo(limit) > 0) {
                out.add(new Problem(Reason.InvalidQuantity, field + ".requests." + name + " is " + value + ", above its"
                        + " limit " + r.limits().get(name) + "; Kubernetes refuses such a pod: raise the limit or lower"
                        + " the request"));
            }
        });
    }

    private static void checkSide(List<Problem> out, String prefix, Map<String, String> side) {
        side.forEach((name, value) -> {
            if (!STANDARD_RESOURCE.matcher(name).matches() && !(name.contains("/") && qualifiedName(name))) {
                out.add(new Problem(Reason.InvalidPodField, prefix + name + " is no resource Kubernetes knows: use cpu,"
                        + " memory, ephemeral-storage, hugepages-<size> or a name with a domain, such as nvidia.com/gpu"));
            }
            BigDecimal n = amount(value);
            if (n != null && n.signum() < 0) {
                out.add(new Problem(Reason.InvalidQuantity, prefix + name + " is " + value + " but may not be negative"));
            }
        });
    }

    /** The quantity's number, or null when it does not parse (reported by {@link SpecValidator} already). */
    private static BigDecimal amount(String value) {
        try {
            return value == null ? null : Quantity.fromString(value).getNumber();
        } catch (RuntimeException e) {
            return null;
        }
    }

    static boolean subdomain(String s) {
        return s.length() <= 253 && SUBDOMAIN.matcher(s).matches();
    }

    /** A label key: {@code name} or {@code prefix/name}. */
    static boolean qualifiedName(String s) {
        int slash = s.indexOf('/');
        String name = slash < 0 ? s : s.substring(slash + 1);
        if (slash >= 0 && (slash == 0 || !subdomain(s.substring(0, slash)))) {
            return false;
        }
        return name.length() <= 63 && NAME_PART.matcher(name).matches();
    }
}
