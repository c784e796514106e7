namespace Fdt.Agent.Inspection;

/// <summary>Why a captured body holds fewer bytes than went through.</summary>
internal enum BodyTruncation
{
    /// <summary>Every byte was captured.</summary>
    None,

    /// <summary>The body was larger than the capture limit.</summary>
    BodyLimit,

    /// <summary>The inspector's memory was taken by bodies still in flight: what followed was not captured.</summary>
    MemoryLimit,
}
