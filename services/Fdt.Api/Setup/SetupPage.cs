using System.Text;
using System.Text.Encodings.Web;
using Fdt.Api.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace Fdt.Api.Setup;

/// <summary>
/// The first-run page at <c>/setup</c>: plain HTML, no script, every value encoded. Until the
/// console brings antiforgery tokens, the form is protected against cross-site posts by
/// accepting only <c>application/x-www-form-urlencoded</c> bodies whose <c>Origin</c> (when sent) is
/// this server's.
/// </summary>
internal static class SetupPage
{
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'";

    private const string Style =
        "body{font-family:system-ui,sans-serif;max-width:30rem;margin:3rem auto;padding:0 1rem;color:#1b1b1f;line-height:1.5}"
        + "label{display:block;margin-top:1rem;font-weight:600}"
        + "input{display:block;width:100%;box-sizing:border-box;padding:.5rem;margin-top:.25rem;font:inherit}"
        + "button{margin-top:1.5rem;padding:.6rem 1.2rem;font:inherit}"
        + ".error{color:#b00020;margin:.25rem 0 0}"
        + "pre{background:#f2f2f5;padding:.75rem;overflow-x:auto}";

    private static readonly FormOptions FormLimits = new()
    {
        ValueCountLimit = 16,
        KeyLengthLimit = 64,
        ValueLengthLimit = 4096,
        MultipartBodyLengthLimit = 0,
    };

    private static readonly HtmlEncoder Html = HtmlEncoder.Default;

    internal static async Task<ContentHttpResult> ShowAsync([AsParameters] IdentityServices services)
    {
        var done = await services.Db.Users.AnyAsync(services.Aborted);
        return Page(services.Http, StatusCodes.Status200OK, done ? DoneBody() : FormBody(string.Empty, string.Empty, new Dictionary<string, string[]>()));
    }

    internal static async Task<Results<ContentHttpResult, ProblemHttpResult>> SubmitAsync([AsParameters] IdentityServices services)
    {
        var request = services.Http.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported form", detail: "The setup form is posted as application/x-www-form-urlencoded.");
        }

        if (!IsSameOrigin(request, services.Options))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Cross-site request refused", detail: "The setup form can only be posted from this server's own page.");
        }

        IFormCollection form;
        try
        {
            form = await new FormFeature(request, FormLimits).ReadFormAsync(services.Aborted);
        }
        catch (InvalidDataException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The form is not valid.", detail: "The form has too many or too long fields.");
        }

        var input = new InputValidation();
        var email = input.Email("email", form["email"]);
        var displayName = input.DisplayName("displayName", form["displayName"]);
        var password = input.NewPassword("password", form["password"]);
        if (input.HasErrors)
        {
            return Page(services.Http, StatusCodes.Status400BadRequest, FormBody(form["email"].ToString(), form["displayName"].ToString(), input.Errors));
        }

        var (created, _) = await SetupEndpoints.CreateOperatorAsync(services, email, displayName, password, startSession: false);
        return created
            ? Page(services.Http, StatusCodes.Status200OK, CompletedBody(email, Accounts.PersonalTeamName(displayName), services.PublicBaseUrl))
            : Page(services.Http, StatusCodes.Status409Conflict, DoneBody());
    }

    /// <summary>No Origin (older clients, curl), or an Origin equal to this request's or to <see cref="ApiOptions.PublicUrl"/>'s; and no cross-site fetch metadata.</summary>
    private static bool IsSameOrigin(HttpRequest request, ApiOptions options)
    {
        var site = request.Headers["Sec-Fetch-Site"];
        if (site.Count > 1 || (site.Count == 1 && site[0] is "cross-site" or "same-site"))
        {
            return false;
        }

        var origins = request.Headers.Origin;
        if (origins.Count == 0)
        {
            return true;
        }

        if (origins.Count > 1)
        {
            return false;
        }

        var origin = origins[0] ?? string.Empty;
        if (string.Equals(origin, $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return Uri.TryCreate(options.PublicUrl, UriKind.Absolute, out var publicUrl)
            && string.Equals(origin, publicUrl.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase);
    }

    private static ContentHttpResult Page(HttpContext http, int statusCode, string body)
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        var html = new StringBuilder()
            .Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>FDT setup</title>\n<style>").Append(Style).Append("</style>\n</head>\n<body>\n<main>\n")
            .Append(body)
            .Append("</main>\n</body>\n</html>\n")
            .ToString();
        return TypedResults.Content(html, "text/html; charset=utf-8", Encoding.UTF8, statusCode);
    }

    private static string FormBody(string email, string displayName, IReadOnlyDictionary<string, string[]> errors)
    {
        var body = new StringBuilder()
            .Append("<h1>Set up FDT</h1>\n")
            .Append("<p>Create the first account. It becomes the operator of this server and owns a team.</p>\n")
            .Append("<form method=\"post\">\n");
        Field(body, "email", "Email", "email", "email", InputValidation.MaxEmailLength, email, errors);
        Field(body, "displayName", "Your name", "text", "name", InputValidation.MaxNameLength, displayName, errors);
        Field(body, "password", $"Password ({InputValidation.MinPasswordLength} characters or more)", "password", "new-password", InputValidation.MaxPasswordLength, string.Empty, errors);
        return body.Append("<button type=\"submit\">Create the operator account</button>\n</form>\n").ToString();
    }

    private static void Field(StringBuilder body, string name, string label, string type, string autocomplete, int maxLength, string value, IReadOnlyDictionary<string, string[]> errors)
    {
        body.Append("<label for=\"").Append(name).Append("\">").Append(Html.Encode(label)).Append("</label>\n")
            .Append("<input id=\"").Append(name).Append("\" name=\"").Append(name).Append("\" type=\"").Append(type)
            .Append("\" autocomplete=\"").Append(autocomplete).Append("\" maxlength=\"").Append(maxLength).Append("\" required");
        if (value.Length > 0)
        {
            body.Append(" value=\"").Append(Html.Encode(value)).Append('"');
        }

        body.Append(">\n");
        if (errors.TryGetValue(name, out var messages))
        {
            foreach (var message in messages)
            {
                body.Append("<p class=\"error\">").Append(Html.Encode(message)).Append("</p>\n");
            }
        }
    }

    private static string DoneBody()
        => "<h1>FDT is set up</h1>\n<p>This server already has its operator. Sign in from a terminal with <code>fdt login</code>.</p>\n";

    private static string CompletedBody(string email, string teamName, string serverUrl)
        => new StringBuilder()
            .Append("<h1>Setup complete</h1>\n")
            .Append("<p>The operator account <strong>").Append(Html.Encode(email)).Append("</strong> and the team <strong>")
            .Append(Html.Encode(teamName)).Append("</strong> are ready.</p>\n")
            .Append("<p>Now sign in from a terminal and start a tunnel:</p>\n")
            .Append("<pre>fdt config set server ").Append(Html.Encode(serverUrl)).Append("\nfdt login\nfdt http 3000</pre>\n")
            .ToString();
}
