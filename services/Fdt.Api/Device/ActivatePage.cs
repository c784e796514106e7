using System.Net;
using System.Text;
using Fdt.Api.Security;
using Fdt.Data;
using Fdt.Data.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Fdt.Api.Device;

/// <summary>
/// The page where a person approves a device login: sign in with email and password, check which
/// device asks (its description and address), pick the team, approve or deny. Server-rendered,
/// no script, no cookies: the second step carries a short-lived signed ticket.
/// </summary>
public static partial class DeviceEndpoints
{
    private const string TicketAudience = "fdt-activate";

    public static IEndpointRouteBuilder MapActivatePage(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/activate", (string? code) => Page("Activate a device", SignInForm(code, null)));
        endpoints.MapPost("/activate", ActivatePostAsync).RequireRateLimiting(ApiServiceCollectionExtensions.CredentialsRateLimit).DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> ActivatePostAsync(HttpContext context, FdtDbContext db, CredentialCheck credentials, AuditLog audit, ApiKeys keys, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!context.Request.HasFormContentType)
        {
            return Results.Problem(statusCode: 415, title: "Form data expected");
        }

        var form = await context.Request.ReadFormAsync(cancellationToken);
        var now = time.GetStoredUtcNow();
        if (form.ContainsKey("ticket"))
        {
            return await DecideFromPageAsync(context, form, db, audit, keys, now, cancellationToken);
        }

        var code = DeviceFlow.NormalizeUserCode(form["code"]);
        var (outcome, user) = await credentials.VerifyAsync(db, form["email"], form["password"], cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        var problem = outcome switch
        {
            CredentialCheck.Outcome.Invalid => "The email or password is wrong.",
            CredentialCheck.Outcome.Locked or CredentialCheck.Outcome.LockedNow => "Too many failed attempts: the account is locked for a while.",
            CredentialCheck.Outcome.Disabled => "This account is disabled.",
            CredentialCheck.Outcome.Success => null,
            _ => "Sign-in failed.",
        };
        if (problem is not null)
        {
            return Page("Activate a device", SignInForm(code, problem), StatusCodes.Status401Unauthorized);
        }

        var device = await DeviceFlow.FindPendingAsync(db, code, now, cancellationToken);
        if (device is null)
        {
            return Page("Activate a device", SignInForm(code, "No login is waiting for this code. It may have expired: run fdt login again."), StatusCodes.Status404NotFound);
        }

        var teams = await DeviceFlow.TeamsAsync(db, user!.Id, cancellationToken);
        if (teams.Count == 0)
        {
            return Page("Activate a device", "<p>You are not a member (or higher) of any team, so you cannot create authtokens.</p>", StatusCodes.Status403Forbidden);
        }

        var ticket = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = FdtClaims.Issuer,
            Audience = TicketAudience,
            Claims = new Dictionary<string, object> { ["sub"] = user.Id.ToString("D"), ["code"] = device.UserCode },
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(10),
            SigningCredentials = new SigningCredentials(keys.AccessTokenKey, SecurityAlgorithms.HmacSha256),
        });
        var html = new StringBuilder();
        html.Append("<p>A device asks to sign in to this server as you:</p><dl>");
        html.Append("<dt>Device</dt><dd>").Append(Encode(device.ClientDescription)).Append("</dd>");
        html.Append("<dt>From</dt><dd>").Append(Encode(device.ClientAddress ?? "unknown")).Append("</dd>");
        html.Append("<dt>Code</dt><dd>").Append(Encode(device.UserCode)).Append("</dd></dl>");
        html.Append("<p>Only approve if you started <code>fdt login</code> yourself and the code matches your terminal.</p>");
        html.Append("<form method=\"post\" action=\"/activate\"><input type=\"hidden\" name=\"ticket\" value=\"").Append(Encode(ticket)).Append("\">");
        html.Append("<label for=\"team\">Team</label><select id=\"team\" name=\"team\">");
        foreach (var (id, name) in teams)
        {
            html.Append("<option value=\"").Append(id.ToString("D")).Append("\">").Append(Encode(name)).Append("</option>");
        }

        html.Append("</select><div class=\"actions\"><button name=\"decision\" value=\"approve\">Approve</button><button name=\"decision\" value=\"deny\" class=\"secondary\">Deny</button></div></form>");
        return Page("Approve this device?", html.ToString());
    }

    private static async Task<IResult> DecideFromPageAsync(HttpContext context, IFormCollection form, FdtDbContext db, AuditLog audit, ApiKeys keys, DateTime now, CancellationToken cancellationToken)
    {
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(form["ticket"].ToString(), new TokenValidationParameters
        {
            ValidIssuer = FdtClaims.Issuer,
            ValidAudience = TicketAudience,
            IssuerSigningKey = keys.AccessTokenKey,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ClockSkew = TimeSpan.FromSeconds(30),
        });
        if (!validation.IsValid || !Guid.TryParse(validation.Claims["sub"] as string, out var userId) || validation.Claims["code"] is not string code)
        {
            return Page("Activate a device", SignInForm(null, "This approval page expired; sign in again."), StatusCodes.Status400BadRequest);
        }

        var device = await DeviceFlow.FindPendingAsync(db, code, now, cancellationToken);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId && !u.IsDisabled, cancellationToken);
        if (device is null || user is null)
        {
            return Page("Activate a device", "<p>No login is waiting for this code any more. Run <code>fdt login</code> again.</p>", StatusCodes.Status404NotFound);
        }

        var approve = form["decision"] == "approve";
        if (!Guid.TryParse(form["team"], out var teamId) || !(await DeviceFlow.TeamsAsync(db, user.Id, cancellationToken)).Any(t => t.Id == teamId))
        {
            return Page("Activate a device", "<p>Pick one of your teams.</p>", StatusCodes.Status400BadRequest);
        }

        await DeviceFlow.DecideAsync(db, audit, device, user, teamId, approve, context.Connection.RemoteIpAddress?.ToString(), now, cancellationToken);
        return Page(
            approve ? "Device approved" : "Device denied",
            approve ? "<p>The device is signed in. You can go back to your terminal.</p>" : "<p>The device was not signed in.</p>");
    }

    private static string SignInForm(string? code, string? error) =>
        (error is null ? string.Empty : $"<p class=\"error\" role=\"alert\">{Encode(error)}</p>")
        + "<p>Enter the code your terminal shows, and sign in.</p>"
        + "<form method=\"post\" action=\"/activate\">"
        + $"<label for=\"code\">Code</label><input id=\"code\" name=\"code\" required autocomplete=\"off\" autocapitalize=\"characters\" placeholder=\"WDJB-MJHT\" value=\"{Encode(code ?? string.Empty)}\">"
        + "<label for=\"email\">Email</label><input id=\"email\" name=\"email\" type=\"email\" required autocomplete=\"username\">"
        + "<label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" required autocomplete=\"current-password\">"
        + "<div class=\"actions\"><button>Continue</button></div></form>";

    private static string Encode(string value) => WebUtility.HtmlEncode(value);

    private static HtmlResult Page(string title, string body, int status = StatusCodes.Status200OK)
    {
        var html = $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{Encode(title)}} · FDT</title>
            <style>
              :root { color-scheme: light dark; --fg:#1b1f24; --muted:#57606a; --bg:#fff; --card:#f6f8fa; --accent:#0969da; --error:#cf222e; }
              @media (prefers-color-scheme: dark) { :root { --fg:#e6edf3; --muted:#8d96a0; --bg:#0d1117; --card:#161b22; --accent:#4493f8; --error:#ff7b72; } }
              body { margin:0; font:16px/1.5 system-ui,sans-serif; color:var(--fg); background:var(--bg); }
              main { max-width:26rem; margin:10vh auto; padding:0 1.25rem; }
              h1 { font-size:1.4rem; } label { display:block; margin-top:.9rem; font-weight:600; }
              input, select { width:100%; box-sizing:border-box; padding:.55rem; margin-top:.3rem; border:1px solid var(--muted); border-radius:6px; background:var(--card); color:var(--fg); font:inherit; }
              .actions { margin-top:1.25rem; display:flex; gap:.75rem; }
              button { padding:.55rem 1.1rem; border:0; border-radius:6px; background:var(--accent); color:#fff; font:inherit; cursor:pointer; }
              button.secondary { background:var(--card); color:var(--fg); border:1px solid var(--muted); }
              .error { color:var(--error); } dl { background:var(--card); padding:.75rem 1rem; border-radius:6px; } dt { color:var(--muted); font-size:.85rem; } dd { margin:0 0 .5rem; }
            </style></head>
            <body><main><h1>{{Encode(title)}}</h1>{{body}}</main></body></html>
            """;
        return new HtmlResult(html, status);
    }

    private sealed class HtmlResult(string html, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = "text/html; charset=utf-8";
            httpContext.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";
            httpContext.Response.Headers.XFrameOptions = "DENY";
            httpContext.Response.Headers.CacheControl = "no-store";
            return httpContext.Response.WriteAsync(html, httpContext.RequestAborted);
        }
    }
}
