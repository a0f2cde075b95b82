using Microsoft.ML.OnnxRuntime;

namespace OnnxDiffusion.Models;

/// <summary>Converts between a working element type and the one a graph declares.</summary>
internal interface IElementCast<T, TGraph>
{
    /// <summary>A working value as the graph takes it.</summary>
    static abstract TGraph ToGraph(T value);

    /// <summary>A graph value as a working one.</summary>
    static abstract T FromGraph(TGraph value);
}

/// <summary>float ⇄ float16 (round to nearest even).</summary>
internal readonly struct HalfCast : IElementCast<float, Float16>
{
    public static Float16 ToGraph(float value) => (Float16)value;

    public static float FromGraph(Float16 value) => (float)value;
}

/// <summary>An integer timestep or label ⇄ int32.</summary>
internal readonly struct Int32Cast : IElementCast<long, int>
{
    public static int ToGraph(long value) => (int)value;

    public static long FromGraph(int value) => value;
}

/// <summary>An integer timestep ⇄ float32 (exact below 2^24, far beyond any schedule's length).</summary>
internal readonly struct FloatOfLongCast : IElementCast<long, float>
{
    public static float ToGraph(long value) => value;

    public static long FromGraph(float value) => (long)value;
}

/// <summary>An integer timestep ⇄ float16, through float32 (exact up to 2048; larger timesteps round as float16 does).</summary>
internal readonly struct HalfOfLongCast : IElementCast<long, Float16>
{
    public static Float16 ToGraph(long value) => (Float16)(float)value;

    public static long FromGraph(Float16 value) => (long)(float)value;
}
