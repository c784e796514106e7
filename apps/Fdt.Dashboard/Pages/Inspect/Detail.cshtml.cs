using System.Text;
using Fdt.Api.Inspection;
using Fdt.Dashboard.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace Fdt.Dashboard.Pages.Inspect;

/// <summary>One captured exchange: headers, decoded bodies, replay, HAR and curl.</summary>
public sealed class DetailModel : ConsolePageModel
{
    public RequestsEndpoints.RequestDetail? Exchange { get; private set; }

    public string? Curl { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        var found = await LoadAsync(id);
        return found ?? Page();
    }

    /// <summary>The exchange as a HAR 1.2 file (a download).</summary>
    public async Task<IActionResult> OnGetHarAsync(Guid id)
    {
        var har = await Api.SendRawAsync(HttpContext, "ExportRequestHar", new { id }, null, null);
        if (!har.IsSuccess)
        {
            return NotFound();
        }

        return File(har.Body.ToArray(), "application/json", $"fdt-request-{id:N}.har");
    }

    /// <summary>Sends the request again through its tunnel, as captured, and opens the new exchange.</summary>
    public async Task<IActionResult> OnPostReplayAsync(Guid id)
    {
        var replay = await Api.SendAsync<RequestsEndpoints.ReplayView>(HttpContext, "ReplayRequest", new { id }, new RequestsEndpoints.ReplayRequest(null, null, null, null, null, null));
        if (!replay.IsSuccess)
        {
            var found = await LoadAsync(id);
            Show(replay.Problem);
            Response.StatusCode = replay.Status;
            return found ?? Page();
        }

        return Done($"/inspect/{replay.Value!.Id}", $"Replayed: the tunnel answered {replay.Value.Status}.");
    }

    private async Task<IActionResult?> LoadAsync(Guid id)
    {
        var detail = await Api.SendAsync<RequestsEndpoints.RequestDetail>(HttpContext, "GetRequest", new { id });
        if (!detail.IsSuccess)
        {
            return NotFound();
        }

        Exchange = detail.Value;
        var curl = await Api.SendRawAsync(HttpContext, "ExportRequestCurl", new { id }, null, null);
        Curl = curl.IsSuccess ? Encoding.UTF8.GetString(curl.Body.Span) : null;
        return null;
    }
}
