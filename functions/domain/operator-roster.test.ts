import { describe, expect, it } from 'vitest';
import {
  defaultSkills,
  effectiveSkills,
  estimatedWaitSeconds,
  freeSlots,
  queueOfCategory,
  serves,
} from './operator-roster.ts';

describe('operators and their queues', () => {
  it('gives a first-line operator every category by default, and a senior also the senior queue', () => {
    const categories = ['auth', 'applications', 'documents', 'legal', 'mfc', 'general'];
    expect(defaultSkills('operator')).toEqual(categories);
    expect(defaultSkills('senior')).toEqual([...categories, 'senior']);
  });

  it('keeps the skills asked for in queue order, once each, and the senior queue for seniors only', () => {
    expect(effectiveSkills('operator', ['general', 'senior', 'auth', 'general'])).toEqual([
      'auth',
      'general',
    ]);
    expect(effectiveSkills('senior', ['senior', 'legal'])).toEqual(['legal', 'senior']);
    expect(effectiveSkills('operator', ['senior'])).toEqual([]);
  });

  it('counts free slots only while online', () => {
    expect(freeSlots({ status: 'online', activeChats: 1, maxChats: 3 })).toBe(2);
    expect(freeSlots({ status: 'online', activeChats: 4, maxChats: 3 })).toBe(0);
    expect(freeSlots({ status: 'away', activeChats: 0, maxChats: 3 })).toBe(0);
    expect(freeSlots({ status: 'offline', activeChats: 0, maxChats: 3 })).toBe(0);
  });

  it('routes a category to its queue, and anything unknown to general', () => {
    expect(queueOfCategory('legal')).toBe('legal');
    expect(queueOfCategory('payments')).toBe('general');
    expect(serves({ skills: ['legal'], role: 'operator' }, 'legal')).toBe(true);
    expect(serves({ skills: ['legal'], role: 'operator' }, 'senior')).toBe(false);
  });

  it('gives the senior queue to a senior only, even one whose stored skills still name it (a demoted senior)', () => {
    expect(serves({ skills: ['legal', 'senior'], role: 'senior' }, 'senior')).toBe(true);
    expect(serves({ skills: ['legal', 'senior'], role: 'operator' }, 'senior')).toBe(false);
    expect(serves({ skills: ['legal', 'senior'], role: 'operator' }, 'legal')).toBe(true);
  });

  it('estimates the wait from the position, the serving slots and the average handling time', () => {
    // 6 slots, 10 minutes each: the queue moves one citizen every 100 s.
    expect(estimatedWaitSeconds(1, 6, 600)).toBe(100);
    expect(estimatedWaitSeconds(7, 6, 600)).toBe(700);
    // Nobody online: one slot is assumed, never an infinite wait.
    expect(estimatedWaitSeconds(2, 0, 600)).toBe(1200);
  });
});
