using Fdt.Api.Inspection;
using Fdt.Dashboard.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace Fdt.Dashboard.Pages.Inspect;

/// <summary>
/// The team's inspector: captured exchanges newest first, filtered by tunnel, status, method and
/// path; the first page follows new traffic live, older pages come by cursor.
/// </summary>
public sealed class IndexModel : ConsolePageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Tunnel { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Method { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Path { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    public TeamChoice? Team { get; private set; }

    public IReadOnlyList<RequestsEndpoints.RequestSummary> Requests { get; private set; } = [];

    public string? NextCursor { get; private set; }

    public bool Filtered => !string.IsNullOrEmpty(Tunnel) || !string.IsNullOrEmpty(Status) || !string.IsNullOrEmpty(Method) || !string.IsNullOrEmpty(Path);

    /// <summary>This page's filters as a query string (for the live list and paging links).</summary>
    public string FilterQuery(string? cursor = null) => QueryString.Create(new Dictionary<string, string?>
    {
        ["tunnel"] = Tunnel,
        ["status"] = Status,
        ["method"] = Method,
        ["path"] = Path,
        ["cursor"] = cursor,
    }.Where(p => !string.IsNullOrEmpty(p.Value))).ToString();

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnGetListAsync()
    {
        await LoadAsync();
        return Partial("_RequestList", this);
    }

    protected override async Task LoadAsync()
    {
        Team = await Teams.CurrentAsync();
        if (Team is null)
        {
            return;
        }

        // "4xx" and "5xx" read as the class, like the API's 4 and 5.
        var status = Status?.Trim().TrimEnd('x', 'X');
        var page = await Api.SendAsync<RequestsEndpoints.RequestPage>(HttpContext, "ListRequests", query: new Dictionary<string, string?>
        {
            ["teamId"] = Team.Id.ToString("D"),
            ["tunnel"] = Tunnel?.Trim(),
            ["status"] = int.TryParse(status, out var code) ? code.ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
            ["method"] = Method?.Trim(),
            ["path"] = Path?.Trim(),
            ["cursor"] = Cursor,
        });
        if (!string.IsNullOrWhiteSpace(Status) && !int.TryParse(status, out _))
        {
            AddError("status", "A status code like 404, or a class like 4xx.");
        }

        Show(page.Problem);
        Requests = page.Value?.Items ?? [];
        NextCursor = page.Value?.NextCursor;
    }
}
