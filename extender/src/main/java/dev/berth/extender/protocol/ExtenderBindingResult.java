package dev.berth.extender.protocol;

/** {@code ExtenderBindingResult}: {@code {"Error":""}} on success, else the reason. */
public record ExtenderBindingResult(String error) {}
