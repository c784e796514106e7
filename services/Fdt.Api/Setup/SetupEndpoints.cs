using System.Text.Json;
using Fdt.Api.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Fdt.Api.Setup;

/// <summary>
/// First run of a self-hosted installation: while no user exists, the first account can be
/// created (through the API or the <c>/setup</c> page); it becomes an operator and owns a team.
/// </summary>
public static class SetupEndpoints
{
    // The "no user exists yet" check and the creation happen under one lock, so that two
    // concurrent setups in this process cannot both create an operator.
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static RouteGroupBuilder MapSetupApi(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        v1.MapGet("/setup", GetStatusAsync)
            .WithTags("Setup")
            .WithName("GetSetupStatus")
            .WithSummary("Whether the first operator still has to be created.");
        v1.MapPost("/setup", CompleteAsync)
            .WithTags("Setup")
            .WithName("CompleteSetup")
            .WithSummary("Creates the first user as operator, with a team they own; 409 once any user exists.");
        return v1;
    }

    /// <summary>Maps the server-rendered setup page at <c>/setup</c> (GET shows the form, POST creates the operator).</summary>
    public static IEndpointRouteBuilder MapSetupPage(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/setup", SetupPage.ShowAsync).WithName("SetupPage").ExcludeFromDescription();
        endpoints.MapPost("/setup", SetupPage.SubmitAsync).WithName("SubmitSetupPage").ExcludeFromDescription();
        return endpoints;
    }

    internal static async Task<Ok<SetupStatus>> GetStatusAsync([AsParameters] IdentityServices services)
        => TypedResults.Ok(new SetupStatus(!await services.Db.Users.AnyAsync(services.Aborted)));

    internal static async Task<Results<Created<SessionResponse>, ValidationProblem, ProblemHttpResult>> CompleteAsync(NewAccountRequest request, [AsParameters] IdentityServices services)
    {
        var input = new InputValidation();
        var email = input.Email("email", request.Email);
        var displayName = input.DisplayName("displayName", request.DisplayName);
        var password = input.NewPassword("password", request.Password);
        if (input.HasErrors)
        {
            return input.Problem();
        }

        var (done, session) = await CreateOperatorAsync(services, email, displayName, password, startSession: true);
        return done ? TypedResults.Created("/v1/auth/me", session!) : AlreadyDone();
    }

    /// <summary>Creates the first operator and their team, unless a user exists; with <paramref name="startSession"/>, also signs them in.</summary>
    internal static async Task<(bool Created, SessionResponse? Session)> CreateOperatorAsync(IdentityServices services, string email, string displayName, string password, bool startSession)
    {
        await Gate.WaitAsync(services.Aborted);
        try
        {
            if (await services.Db.Users.AnyAsync(services.Aborted))
            {
                return (false, null);
            }

            var user = Accounts.NewUser(email, displayName, password, isOperator: true, services.Now);
            var team = Accounts.AddWithPersonalTeam(services, user);
            var session = startSession ? Sessions.Start(services, user, familyId: Guid.NewGuid()).Session : null;
            var details = JsonSerializer.Serialize(new { email, team = team.Name });
            await services.Audit.SaveWithAuditAsync(services.Db, services.Record("setup.complete", user.Id, team.Id, "user", user.Id.ToString("D"), details), services.Aborted);
            return (true, session);
        }
        finally
        {
            Gate.Release();
        }
    }

    internal static ProblemHttpResult AlreadyDone()
        => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Setup is complete", detail: "This server already has users. Sign in, or ask an operator for an invitation.");
}
