namespace OnnxDiffusion.Cli.Tests.BadInput;

/// <summary>A fact that needs root (to mount a tmpfs): reported as skipped, not passed, elsewhere.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when this process is not root.</summary>
    public RootFactAttribute()
    {
        if (Environment.UserName != "root")
            Skip = "needs root to mount a tmpfs";
    }
}
