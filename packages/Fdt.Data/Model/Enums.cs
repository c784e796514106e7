namespace Fdt.Data.Model;

/// <summary>What a member may do in a team. Ordered: a higher value includes the lower ones.</summary>
public enum TeamRole
{
    /// <summary>Reads the team's tunnels, names and traffic.</summary>
    Viewer = 0,

    /// <summary>Runs tunnels and manages their own authtokens.</summary>
    Member = 1,

    /// <summary>Manages members, invitations, names and every authtoken.</summary>
    Admin = 2,

    /// <summary>Everything, including deleting the team.</summary>
    Owner = 3,
}

/// <summary>State of a device login (RFC 8628).</summary>
public enum DeviceAuthorizationStatus
{
    Pending,
    Approved,
    Denied,

    /// <summary>Approved and its authtoken handed to the device.</summary>
    Completed,
}
