using System.CommandLine;
using System.CommandLine.Parsing;
using Fdt.Agent;
using Fdt.Agent.Inspection;
using Fdt.Agent.Inspection.Web;
using Fdt.Cli.Output;
using Fdt.Protocol.Control;

namespace Fdt.Cli.Commands.Http;

/// <summary>The syntax of <c>fdt http &lt;target&gt;</c>; <see cref="HttpCommand"/> runs it.</summary>
internal sealed class HttpCommandDefinition : Command
{
    public HttpCommandDefinition()
        : base("http", "Expose a local HTTP service at a public URL of the FDT server.")
    {
        Log.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, LogFormats.Names);
        Subdomain.Validators.Add(static result => RejectBlankOrControl(result, "--subdomain"));
        HostHeader.Validators.Add(static result => RejectBlankOrControl(result, "--host-header"));

        Add(Target);
        Add(Subdomain);
        Add(Server);
        Add(Authtoken);
        Add(HostHeader);
        Scheme.AcceptOnlyFromAmong("http", "https", "both");
        Add(Scheme);
        Add(RedirectHttps);
        BasicAuth.Validators.Add(static result =>
        {
            foreach (var pair in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (pair.IndexOf(':', StringComparison.Ordinal) is <= 0 || pair.EndsWith(':') || pair.Any(char.IsControl))
                {
                    result.AddError("--basic-auth needs user:password, with a user and a password.");
                    return;
                }
            }
        });
        Add(BasicAuth);
        Add(CidrAllow);
        Add(CidrDeny);
        Add(MaxRequestBody);
        Add(RateLimit);
        Add(TunnelRateLimit);
        Add(RequestTimeout);
        Add(MaxConcurrentRequests);
        Add(RequestHeaderAdd);
        Add(RequestHeaderRemove);
        Add(ResponseHeaderAdd);
        Add(ResponseHeaderRemove);
        VerifyWebhook.AcceptOnlyFromAmong([.. PolicyRules.WebhookProviders]);
        Add(VerifyWebhook);
        Add(VerifyWebhookSecret);
        Add(CircuitBreaker);
        Add(CircuitBreakerOpen);
        Validators.Add(result =>
        {
            if ((result.GetValue(VerifyWebhook) is null) != (result.GetValue(VerifyWebhookSecret) is null))
            {
                result.AddError("--verify-webhook and --verify-webhook-secret go together.");
                return;
            }

            TunnelPolicyRequest? policy;
            try
            {
                policy = BuildPolicy(result.GetResult);
            }
            catch (InvalidOperationException)
            {
                // An option's value did not parse; it has reported its own error.
                return;
            }

            if (policy?.Validate() is { } error)
            {
                result.AddError(error);
            }
        });
        Add(Inspect);
        Add(InspectAddr);
        Add(InspectBodyLimit);
        Add(InspectMaxRequests);
        Add(InspectMaxRate);
        Add(InspectMemory);
        Validators.Add(result =>
        {
            CaptureOptions capture;
            try
            {
                capture = new CaptureOptions
                {
                    BodyLimit = (int)Math.Min(result.GetValue(InspectBodyLimit) ?? CaptureOptions.DefaultBodyLimit, int.MaxValue),
                    MaxExchanges = result.GetValue(InspectMaxRequests) ?? new CaptureOptions().MaxExchanges,
                    MemoryLimit = result.GetValue(InspectMemory) ?? new CaptureOptions().MemoryLimit,
                    MaxPerSecond = result.GetValue(InspectMaxRate) ?? new CaptureOptions().MaxPerSecond,
                };
            }
            catch (InvalidOperationException)
            {
                // An option's value did not parse; it has reported its own error.
                return;
            }

            if (capture.Validate() is { } error)
            {
                result.AddError(error);
            }
        });
        Add(Log);
        Add(Insecure);
        Add(Transport);
    }

    public Argument<LocalTarget> Target { get; } = new("target")
    {
        Description = "Where to forward: a port (3000), host:port (192.168.1.5:8080), or a URL (http://localhost:3000, https://localhost:8443).",
        CustomParser = ParseTarget,
    };

    public Option<string> Subdomain { get; } = new("--subdomain", "--name")
    {
        Description = "The name to ask for (the first label of the public host name); random when left out.",
        HelpName = "NAME",
    };

    public Option<string> Server { get; } = CommonOptions.Server();

    public Option<string> Authtoken { get; } = CommonOptions.Authtoken();

    public Option<string> HostHeader { get; } = new("--host-header")
    {
        Description = "The Host header sent to the local service: 'rewrite' uses the target's address, any other value is sent as is [default: the visitor's].",
        HelpName = "rewrite|VALUE",
    };

    public Option<string> Scheme { get; } = new("--scheme")
    {
        Description = "The URLs to serve: http, https (plain HTTP requests are redirected) or both [default: both].",
        HelpName = "http|https|both",
    };

    public Option<bool> RedirectHttps { get; } = new("--redirect-https")
    {
        Description = "Answer plain HTTP requests with a redirect to the tunnel's HTTPS URL.",
    };

    public Option<string[]> BasicAuth { get; } = new("--basic-auth")
    {
        Description = "Require visitors to sign in with this user:password (repeat for several users).",
        HelpName = "USER:PASSWORD",
    };

    public Option<string[]> CidrAllow { get; } = CommonOptions.CidrAllow();

    public Option<string[]> CidrDeny { get; } = CommonOptions.CidrDeny();

    public Option<long?> MaxRequestBody { get; } = new("--max-request-body")
    {
        Description = "Refuse request bodies larger than this many bytes (413).",
        HelpName = "BYTES",
    };

    public Option<string> RateLimit { get; } = new("--rate-limit")
    {
        Description = "Requests each visitor address may send, e.g. 100/m (per s, m or h); more are answered 429 with Retry-After.",
        HelpName = "COUNT/UNIT",
    };

    public Option<string> TunnelRateLimit { get; } = new("--tunnel-rate-limit")
    {
        Description = "Requests the whole tunnel accepts, e.g. 1000/m; more are answered 429 with Retry-After.",
        HelpName = "COUNT/UNIT",
    };

    public Option<double?> RequestTimeout { get; } = new("--request-timeout")
    {
        Description = "Answer 504 when the local service has not responded within this time, e.g. 30s.",
        HelpName = "DURATION",
        CustomParser = CommonOptions.ParseSeconds,
    };

    public Option<int?> MaxConcurrentRequests { get; } = new("--max-concurrent-requests")
    {
        Description = "Requests forwarded at once; more are answered 503.",
        HelpName = "N",
    };

    public Option<string[]> RequestHeaderAdd { get; } = new("--request-header-add")
    {
        Description = "Set a header on every request to the local service, replacing the visitor's (\"Name: value\"; repeat).",
        HelpName = "HEADER",
    };

    public Option<string[]> RequestHeaderRemove { get; } = new("--request-header-remove")
    {
        Description = "Remove a header from requests before they reach the local service (repeat or comma-separate).",
        HelpName = "NAME",
    };

    public Option<string[]> ResponseHeaderAdd { get; } = new("--response-header-add")
    {
        Description = "Set a header on every response to visitors (\"Name: value\"; repeat).",
        HelpName = "HEADER",
    };

    public Option<string[]> ResponseHeaderRemove { get; } = new("--response-header-remove")
    {
        Description = "Remove a header from responses before they reach visitors (repeat or comma-separate).",
        HelpName = "NAME",
    };

    public Option<string> VerifyWebhook { get; } = new("--verify-webhook")
    {
        Description = "Check each request's webhook signature the provider's way and refuse forgeries (403) before they reach you.",
        HelpName = "github|stripe|slack",
    };

    public Option<string> VerifyWebhookSecret { get; } = new("--verify-webhook-secret")
    {
        Description = "The provider's webhook signing secret, for --verify-webhook.",
        HelpName = "SECRET",
    };

    public Option<int?> CircuitBreaker { get; } = new("--circuit-breaker")
    {
        Description = "After this many consecutive failures of the local service (5xx, unreachable, timeouts), answer 503 for a while.",
        HelpName = "FAILURES",
    };

    public Option<double?> CircuitBreakerOpen { get; } = new("--circuit-breaker-open")
    {
        Description = "How long the circuit breaker answers 503 before trying the service again [default: 10s].",
        HelpName = "DURATION",
        CustomParser = CommonOptions.ParseSeconds,
    };

    public Option<bool> Inspect { get; } = new("--inspect")
    {
        Description = "Serve the local inspector: a page and API at http://127.0.0.1:4040 that show, replay and export the requests this agent forwards; --inspect=false turns it off [default: true].",
        HelpName = "true|false",
        DefaultValueFactory = static _ => true,
    };

    public Option<InspectorAddress> InspectAddr { get; } = new("--inspect-addr")
    {
        Description = "Where the inspector listens [default: 127.0.0.1:4040, or the next free port up to 4049]. Only loopback unless you name another address.",
        HelpName = "HOST:PORT",
        CustomParser = static result =>
        {
            var value = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
            if (InspectorAddress.TryParse(value, out var address, out var error))
            {
                return address;
            }

            result.AddError("--inspect-addr: " + error);
            return null;
        },
    };

    public Option<long?> InspectBodyLimit { get; } = new("--inspect-body-limit")
    {
        Description = "Bytes of each request and response body the inspector keeps, e.g. 1MiB, 256KiB, 0 [default: 1MiB]; longer bodies are marked truncated.",
        HelpName = "SIZE",
        CustomParser = CommonOptions.ParseBytes,
    };

    public Option<int?> InspectMaxRequests { get; } = new("--inspect-max-requests")
    {
        Description = "Requests the inspector keeps; the oldest are dropped first [default: 500].",
        HelpName = "N",
    };

    public Option<int?> InspectMaxRate { get; } = new("--inspect-max-rate")
    {
        Description = "Requests per second the inspector captures at most (bursts of twice as many; 0: all) [default: 50]; the rest pass uncaptured.",
        HelpName = "N",
    };

    public Option<long?> InspectMemory { get; } = new("--inspect-memory")
    {
        Description = "Memory all captured requests may take together, e.g. 64MiB; the oldest are dropped first [default: 64MiB].",
        HelpName = "SIZE",
        CustomParser = CommonOptions.ParseBytes,
    };

    public Option<string> Log { get; } = CommonOptions.Log();

    public Option<bool> Insecure { get; } = CommonOptions.Insecure();

    public Option<AgentTransport> Transport { get; } = CommonOptions.Transport();

    public HttpCommandInput GetInput(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        return new HttpCommandInput
        {
            Target = parseResult.GetRequiredValue(Target),
            Subdomain = parseResult.GetValue(Subdomain),
            Server = parseResult.GetValue(Server),
            Authtoken = parseResult.GetValue(Authtoken),
            HostHeader = parseResult.GetValue(HostHeader),
            Scheme = parseResult.GetValue(Scheme),
            RedirectHttps = parseResult.GetValue(RedirectHttps),
            Policy = BuildPolicy(parseResult.GetResult),
            Inspect = parseResult.GetValue(Inspect),
            InspectAddress = parseResult.GetValue(InspectAddr),
            Capture = new CaptureOptions
            {
                BodyLimit = parseResult.GetValue(InspectBodyLimit) is { } limit ? (int)Math.Min(limit, int.MaxValue) : CaptureOptions.DefaultBodyLimit,
                MaxExchanges = parseResult.GetValue(InspectMaxRequests) ?? new CaptureOptions().MaxExchanges,
                MemoryLimit = parseResult.GetValue(InspectMemory) ?? new CaptureOptions().MemoryLimit,
                MaxPerSecond = parseResult.GetValue(InspectMaxRate) ?? new CaptureOptions().MaxPerSecond,
            },
            Log = parseResult.GetValue(Log),
            Insecure = parseResult.GetValue(Insecure),
            Transport = parseResult.GetValue(Transport),
        };
    }

    /// <summary>The traffic policy of the options given (null when none); <paramref name="find"/> finds an option's result.</summary>
    private TunnelPolicyRequest? BuildPolicy(Func<Option, OptionResult?> find)
    {
        T? Value<T>(Option<T> option) => find(option) is { } result ? result.GetValueOrDefault<T>() : default;
        var secret = Value(VerifyWebhookSecret);
        return CommonOptions.NullIfEmpty(new TunnelPolicyRequest
        {
            BasicAuth = Value(BasicAuth) is { Length: > 0 } basicAuth ? basicAuth : null,
            CidrAllow = CommonOptions.List(Value(CidrAllow)),
            CidrDeny = CommonOptions.List(Value(CidrDeny)),
            MaxRequestBodyBytes = Value(MaxRequestBody),
            RateLimit = Value(RateLimit),
            TunnelRateLimit = Value(TunnelRateLimit),
            RequestTimeoutSeconds = Value(RequestTimeout),
            MaxConcurrentRequests = Value(MaxConcurrentRequests),
            RequestHeadersAdd = Value(RequestHeaderAdd) is { Length: > 0 } requestAdd ? requestAdd : null,
            RequestHeadersRemove = CommonOptions.List(Value(RequestHeaderRemove)),
            ResponseHeadersAdd = Value(ResponseHeaderAdd) is { Length: > 0 } responseAdd ? responseAdd : null,
            ResponseHeadersRemove = CommonOptions.List(Value(ResponseHeaderRemove)),
            VerifyWebhook = Value(VerifyWebhook) is { } provider ? new WebhookVerificationRequest { Provider = provider.ToLowerInvariant(), Secret = secret } : null,
            CircuitBreakerFailures = Value(CircuitBreaker),
            CircuitBreakerSeconds = Value(CircuitBreakerOpen),

            // --inspect=false keeps the exchanges out of the edge's capture too.
            Inspect = find(Inspect) is { } inspect && !inspect.GetValueOrDefault<bool>() ? false : null,
        });
    }

    private static LocalTarget? ParseTarget(ArgumentResult result)
    {
        var value = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
        if (LocalTarget.TryParse(value, out var target, out var error))
        {
            return target;
        }

        result.AddError(error);
        return null;
    }

    internal static void RejectBlankOrControl(OptionResult result, string name)
    {
        var value = result.GetValueOrDefault<string>();
        if (string.IsNullOrWhiteSpace(value) || value.Any(static c => char.IsControl(c)))
        {
            result.AddError($"{name} needs a non-empty value without control characters.");
        }
    }
}
