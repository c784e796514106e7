using System.Globalization;
using Fdt.Api.Inspection;
using Fdt.Api.Policies;
using Fdt.Dashboard.Infrastructure;
using Fdt.Data.Model;
using Fdt.Protocol.Control;
using Microsoft.AspNetCore.Mvc;

namespace Fdt.Dashboard.Pages.Policy;

/// <summary>
/// The team's default traffic policy (docs/policy.md) as a form, and how long the inspector keeps
/// captures. Lists are one entry per line. Stored secrets (basic-auth passwords, the webhook
/// secret) are never shown: their lines come back hashed or as "(stored)", which keeps them.
/// </summary>
public sealed class IndexModel : ConsolePageModel
{
    public static readonly string[] Providers = ["github", "stripe", "slack"];

    [BindProperty]
    public PolicyForm Form { get; set; } = new();

    [BindProperty]
    public string? RetentionDays { get; set; }

    public TeamChoice? Team { get; private set; }

    public DateTime? UpdatedAt { get; private set; }

    public bool CanEdit => Team?.Role >= TeamRole.Admin;

    public async Task<IActionResult> OnGetAsync()
    {
        if (await LoadPolicyAsync() is { } policy)
        {
            Form = PolicyForm.From(policy);
        }

        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync()
    {
        Team = await Teams.CurrentAsync();
        if (Team is null)
        {
            return NotFound();
        }

        var request = Form.ToRequest(AddError);
        if (Errors.Count > 0)
        {
            Problem = "Please correct the fields below.";
            return await AgainAsync(StatusCodes.Status400BadRequest);
        }

        var saved = await Api.SendAsync<PoliciesEndpoints.PolicyView>(HttpContext, "SetTeamPolicy", new { teamId = Team.Id }, request);
        if (!saved.IsSuccess)
        {
            Show(saved.Problem);
            if (saved.Problem?.Errors.TryGetValue("policy", out var messages) == true)
            {
                Problem = messages[0];
            }

            return await AgainAsync(saved.Status);
        }

        return Done("/policy", "The policy is saved; live tunnels apply it within a second.");
    }

    public async Task<IActionResult> OnPostClearAsync()
    {
        Team = await Teams.CurrentAsync();
        if (Team is null)
        {
            return NotFound();
        }

        var cleared = await Api.SendAsync(HttpContext, "DeleteTeamPolicy", new { teamId = Team.Id });
        if (!cleared.IsSuccess)
        {
            Show(cleared.Problem);
            return await AgainAsync(cleared.Status);
        }

        return Done("/policy", "The team has no default policy now.");
    }

    public async Task<IActionResult> OnPostRetentionAsync()
    {
        Team = await Teams.CurrentAsync();
        if (Team is null)
        {
            return NotFound();
        }

        if (!int.TryParse(RetentionDays, NumberStyles.None, CultureInfo.InvariantCulture, out var days))
        {
            AddError("retentionDays", "A number of days from 1 to 90.");
            return await AgainAsync(StatusCodes.Status400BadRequest, keepForm: false);
        }

        var saved = await Api.SendAsync<RequestsEndpoints.InspectionSettings>(HttpContext, "SetInspectionSettings", new { teamId = Team.Id }, new RequestsEndpoints.InspectionSettings(days));
        if (!saved.IsSuccess)
        {
            Show(saved.Problem);
            return await AgainAsync(saved.Status, keepForm: false);
        }

        return Done("/policy", $"Captured requests are kept {days} day{(days == 1 ? string.Empty : "s")}.");
    }

    private async Task<IActionResult> AgainAsync(int status, bool keepForm = true)
    {
        Response.StatusCode = status;
        var stored = await LoadPolicyAsync(keepRetention: !keepForm);
        if (!keepForm && stored is not null)
        {
            Form = PolicyForm.From(stored);
        }

        return Page();
    }

    private async Task<TunnelPolicyRequest?> LoadPolicyAsync(bool keepRetention = false)
    {
        Team = await Teams.CurrentAsync();
        if (Team is null)
        {
            return null;
        }

        var policy = await Api.SendAsync<PoliciesEndpoints.PolicyView>(HttpContext, "GetTeamPolicy", new { teamId = Team.Id });
        var settings = await Api.SendAsync<RequestsEndpoints.InspectionSettings>(HttpContext, "GetInspectionSettings", new { teamId = Team.Id });
        if (!keepRetention || RetentionDays is null)
        {
            RetentionDays = settings.Value?.RetentionDays.ToString(CultureInfo.InvariantCulture);
        }

        UpdatedAt = policy.Value?.UpdatedAt;
        return policy.Value?.Policy;
    }
}

/// <summary>The policy as form fields: lists one entry per line, numbers as text until parsed.</summary>
public sealed class PolicyForm
{
    public string? BasicAuth { get; set; }

    public string? CidrAllow { get; set; }

    public string? CidrDeny { get; set; }

    public string? RateLimit { get; set; }

    public string? TunnelRateLimit { get; set; }

    public string? MaxRequestBodyBytes { get; set; }

    public string? RequestTimeoutSeconds { get; set; }

    public string? MaxConcurrentRequests { get; set; }

    public string? RequestHeadersAdd { get; set; }

    public string? RequestHeadersRemove { get; set; }

    public string? ResponseHeadersAdd { get; set; }

    public string? ResponseHeadersRemove { get; set; }

    public string? HostHeader { get; set; }

    public string? WebhookProvider { get; set; }

    public string? WebhookSecret { get; set; }

    public string? CircuitBreakerFailures { get; set; }

    public string? CircuitBreakerSeconds { get; set; }

    /// <summary>"", "on" or "off".</summary>
    public string? Inspect { get; set; }

    public static PolicyForm From(TunnelPolicyRequest policy) => new()
    {
        BasicAuth = Lines(policy.BasicAuth),
        CidrAllow = Lines(policy.CidrAllow),
        CidrDeny = Lines(policy.CidrDeny),
        RateLimit = policy.RateLimit,
        TunnelRateLimit = policy.TunnelRateLimit,
        MaxRequestBodyBytes = policy.MaxRequestBodyBytes?.ToString(CultureInfo.InvariantCulture),
        RequestTimeoutSeconds = policy.RequestTimeoutSeconds?.ToString(CultureInfo.InvariantCulture),
        MaxConcurrentRequests = policy.MaxConcurrentRequests?.ToString(CultureInfo.InvariantCulture),
        RequestHeadersAdd = Lines(policy.RequestHeadersAdd),
        RequestHeadersRemove = Lines(policy.RequestHeadersRemove),
        ResponseHeadersAdd = Lines(policy.ResponseHeadersAdd),
        ResponseHeadersRemove = Lines(policy.ResponseHeadersRemove),
        HostHeader = policy.HostHeader,
        WebhookProvider = policy.VerifyWebhook?.Provider,
        WebhookSecret = policy.VerifyWebhook?.Secret,
        CircuitBreakerFailures = policy.CircuitBreakerFailures?.ToString(CultureInfo.InvariantCulture),
        CircuitBreakerSeconds = policy.CircuitBreakerSeconds?.ToString(CultureInfo.InvariantCulture),
        Inspect = policy.Inspect switch { true => "on", false => "off", null => string.Empty },
    };

    /// <summary>The request to store; fields that do not parse are reported through <paramref name="error"/>.</summary>
    public TunnelPolicyRequest ToRequest(Action<string, string> error)
    {
        ArgumentNullException.ThrowIfNull(error);
        long? bodyLimit = Number("maxRequestBodyBytes", MaxRequestBodyBytes, s => long.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture), error);
        double? timeout = Number("requestTimeoutSeconds", RequestTimeoutSeconds, s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture), error);
        int? concurrent = Number("maxConcurrentRequests", MaxConcurrentRequests, s => int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture), error);
        int? failures = Number("circuitBreakerFailures", CircuitBreakerFailures, s => int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture), error);
        double? openFor = Number("circuitBreakerSeconds", CircuitBreakerSeconds, s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture), error);
        var provider = string.IsNullOrWhiteSpace(WebhookProvider) ? null : WebhookProvider.Trim().ToLowerInvariant();
        return new TunnelPolicyRequest
        {
            BasicAuth = List(BasicAuth),
            CidrAllow = List(CidrAllow),
            CidrDeny = List(CidrDeny),
            RateLimit = Text(RateLimit),
            TunnelRateLimit = Text(TunnelRateLimit),
            MaxRequestBodyBytes = bodyLimit,
            RequestTimeoutSeconds = timeout,
            MaxConcurrentRequests = concurrent,
            RequestHeadersAdd = List(RequestHeadersAdd),
            RequestHeadersRemove = List(RequestHeadersRemove),
            ResponseHeadersAdd = List(ResponseHeadersAdd),
            ResponseHeadersRemove = List(ResponseHeadersRemove),
            HostHeader = Text(HostHeader),
            VerifyWebhook = provider is null ? null : new WebhookVerificationRequest { Provider = provider, Secret = Text(WebhookSecret) },
            CircuitBreakerFailures = failures,
            CircuitBreakerSeconds = openFor,
            Inspect = Inspect switch { "on" => true, "off" => false, _ => null },
        };
    }

    private static string? Lines(IReadOnlyList<string>? values) => values is null ? null : string.Join('\n', values);

    private static List<string>? List(string? text)
    {
        var items = (text ?? string.Empty).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        return items.Count == 0 ? null : items;
    }

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static T? Number<T>(string field, string? text, Func<string, T> parse, Action<string, string> error)
        where T : struct
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return parse(text.Trim());
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            error(field, "A number.");
            return null;
        }
    }
}
