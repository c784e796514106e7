using System.Text;
using Fdt.Api.Inspection;
using Fdt.Dashboard.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace Fdt.Dashboard.Pages.Inspect;

/// <summary>
/// Replay with edits: method, path, headers (one "Name: value" per line) and body, prefilled from
/// the capture. Headers removed from the list are not sent; redacted ones never were stored.
/// </summary>
public sealed class EditModel : ConsolePageModel
{
    /// <summary>Set by the server on every request: not offered for editing.</summary>
    private static readonly HashSet<string> Framing = new(StringComparer.OrdinalIgnoreCase) { "Host", "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Upgrade", "TE", "Trailer", "Proxy-Connection" };

    [BindProperty]
    public string? Method { get; set; }

    [BindProperty]
    public string? PathAndQuery { get; set; }

    [BindProperty]
    public string? Headers { get; set; }

    [BindProperty]
    public string? Body { get; set; }

    public RequestsEndpoints.RequestDetail? Original { get; private set; }

    /// <summary>The captured body cannot be edited as text (binary, or not stored): left empty, it is sent as captured.</summary>
    public bool BodyNotEditable => Original?.RequestBody.Kind is "binary" or "missing";

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }

        var original = Original!;
        Method = original.Method;
        PathAndQuery = original.Target;
        Headers = string.Join('\n', Editable(original).Select(h => $"{h[0]}: {h[1]}"));
        Body = BodyNotEditable ? null : BodyText(original.RequestBody);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }

        var set = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var lineNumber = 0;
        foreach (var line in (Headers ?? string.Empty).Split('\n'))
        {
            lineNumber++;
            var text = line.TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                AddError("setHeaders", $"Line {lineNumber} is not a header: write it as Name: value.");
                continue;
            }

            set[text[..colon].Trim()] = text[(colon + 1)..].Trim();
        }

        if (Errors.Count > 0)
        {
            Problem = "Please correct the fields below.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var removed = Editable(Original!).Select(h => h[0]).Where(name => !set.ContainsKey(name)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var body = BodyNotEditable && string.IsNullOrEmpty(Body) ? null : (Body ?? string.Empty).Replace("\r\n", "\n", StringComparison.Ordinal);
        var edits = new RequestsEndpoints.ReplayRequest(Method, PathAndQuery, set, removed, body, null);
        var replay = await Api.SendAsync<RequestsEndpoints.ReplayView>(HttpContext, "ReplayRequest", new { id }, edits);
        if (!replay.IsSuccess)
        {
            Show(replay.Problem);
            Response.StatusCode = replay.Status;
            return Page();
        }

        return Done($"/inspect/{replay.Value!.Id}", $"Replayed with your edits: the tunnel answered {replay.Value.Status}.");
    }

    private async Task<bool> LoadAsync(Guid id)
    {
        var detail = await Api.SendAsync<RequestsEndpoints.RequestDetail>(HttpContext, "GetRequest", new { id });
        Original = detail.Value;
        return detail.IsSuccess;
    }

    // Headers offered for editing: not framing, not redacted (never stored), and not the body's
    // encoding when the body is shown decoded.
    private IEnumerable<string[]> Editable(RequestsEndpoints.RequestDetail original)
        => original.RequestHeaders.Where(h => h.Length == 2 && !Framing.Contains(h[0]) && h[1] != "[redacted]"
            && !(h[0].Equals("Content-Encoding", StringComparison.OrdinalIgnoreCase) && !BodyNotEditable));

    private static string? BodyText(CapturedBody body) => body.Text
        ?? (body.Kind == "form" && body.Base64 is { } raw && body.ContentEncoding is null ? Encoding.UTF8.GetString(Convert.FromBase64String(raw)) : null);
}
