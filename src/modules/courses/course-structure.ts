/** A course's modules and lessons as the lock policy reads them. */
export interface StructureModule {
  id: string;
  position: number;
  unlockAt: Date | null;
  unlockAfterDays: number | null;
  prerequisiteIds: string[];
  requireSequentialProgress: boolean;
}

export interface StructureLesson {
  id: string;
  moduleId: string | null;
  position: number;
}

export interface CourseStructure {
  modules: StructureModule[];
  lessons: StructureLesson[];
}

/**
 * Whether giving `moduleId` the prerequisites `prerequisiteIds` closes a cycle, given every
 * prerequisite edge of the course (`edges`: module -> its prerequisites), including the module's
 * current ones (which the new set replaces).
 */
export function closesCycle(
  moduleId: string,
  prerequisiteIds: readonly string[],
  edges: ReadonlyMap<string, readonly string[]>,
): boolean {
  const next = (id: string) => (id === moduleId ? prerequisiteIds : (edges.get(id) ?? []));
  const seen = new Set<string>();
  const stack = [...prerequisiteIds];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === moduleId) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...next(id));
  }
  return false;
}
